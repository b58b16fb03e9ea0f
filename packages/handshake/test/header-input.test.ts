import { describe, expect, it } from 'vitest';
import { collectHeaders } from '../src/header-input.js';

const names = ['host', 'sec-websocket-protocol'];

describe('collectHeaders', () => {
  it('reads records, pairs and flat raw arrays alike, names case-insensitively, values trimmed', () => {
    const expected = { values: ['h', 'a, b'], counts: [1, 2] };
    expect(
      collectHeaders({ HOST: ' h ', 'Sec-WebSocket-Protocol': ['a', 'b'], other: 'x' }, names),
    ).toEqual(expected);
    expect(
      collectHeaders(
        [
          ['Host', 'h'],
          ['sec-websocket-protocol', 'a'],
          ['SEC-WEBSOCKET-PROTOCOL', '\tb'],
        ],
        names,
      ),
    ).toEqual(expected);
    expect(
      collectHeaders(
        ['host', 'h', 'Sec-WebSocket-Protocol', 'a', 'sec-websocket-protocol', 'b'],
        names,
      ),
    ).toEqual(expected);
  });

  it('reports absent headers as undefined with count 0', () => {
    expect(collectHeaders({ host: undefined }, names)).toEqual({
      values: [undefined, undefined],
      counts: [0, 0],
    });
    expect(collectHeaders([], names)).toEqual({ values: [undefined, undefined], counts: [0, 0] });
  });
});
