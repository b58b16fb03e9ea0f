import { describe, expect, it } from 'vitest';
import { DEFAULT_HANDSHAKE_TIMEOUT, resolveOptions } from '../src/options.js';

describe('resolveOptions', () => {
  it('fills in the defaults', () => {
    expect(resolveOptions(undefined)).toEqual({
      protocols: [],
      handshakeTimeout: DEFAULT_HANDSHAKE_TIMEOUT,
      headLimits: {},
      signal: undefined,
      // RFC 7692: permessage-deflate is offered by default, as Chromium offers it.
      extensions: [
        {
          name: 'permessage-deflate',
          params: [{ name: 'client_max_window_bits', value: undefined }],
        },
      ],
    });
    expect(DEFAULT_HANDSHAKE_TIMEOUT).toBe(10_000);
    expect(resolveOptions({ protocols: 'chat' }).protocols).toEqual(['chat']);
    expect(resolveOptions({ limits: { maxHeaders: 5 } }).headLimits).toEqual({
      maxHeaders: 5,
      maxHeaderBytes: undefined,
    });
    expect(resolveOptions({ handshakeTimeout: Number.POSITIVE_INFINITY }).handshakeTimeout).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('refuses what cannot be meant', () => {
    expect(() => resolveOptions(null as never)).toThrow(TypeError);
    expect(() => resolveOptions({ protocol: 'x' } as never)).toThrow(/unknown option "protocol"/);
    for (const handshakeTimeout of [0, -1, Number.NaN, 2 ** 31, '10' as never]) {
      expect(() => resolveOptions({ handshakeTimeout })).toThrow(RangeError);
    }
    expect(() => resolveOptions({ signal: {} as AbortSignal })).toThrow(TypeError);
    expect(() => resolveOptions({ protocols: 5 as never })).toThrow(TypeError);
    expect(() => resolveOptions({ limits: { maxMessageSize: -1 } })).toThrow(RangeError);
    expect(() => resolveOptions({ limits: 'big' as never })).toThrow(TypeError);
    expect(() => resolveOptions({ closeTimeout: -5 })).toThrow(RangeError);
    expect(() => resolveOptions({ highWaterMark: Number.NaN })).toThrow(RangeError);
    expect(() => resolveOptions({ createConnection: 'net' as never })).toThrow(TypeError);
  });
});
