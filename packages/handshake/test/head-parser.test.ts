import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HeadReader,
  type HeadResult,
  parseHead,
  parseRequestHead,
  parseResponseHead,
} from '../src/head-parser.js';
import type { ScanMeter } from '../src/scan.js';
import { bytes, concat, HELLO_FRAME, RFC_REQUEST, RFC_RESPONSE } from './vectors.js';

const RFC_REQUEST_HEAD = {
  method: 'GET',
  url: '/chat',
  httpVersion: '1.1',
  headers: [
    ['Host', 'server.example.com'],
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
    ['Origin', 'http://example.com'],
    ['Sec-WebSocket-Protocol', 'chat, superchat'],
    ['Sec-WebSocket-Version', '13'],
  ],
};

const RFC_RESPONSE_HEAD = {
  httpVersion: '1.1',
  status: 101,
  statusText: 'Switching Protocols',
  headers: [
    ['Upgrade', 'websocket'],
    ['Connection', 'Upgrade'],
    ['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='],
    ['Sec-WebSocket-Protocol', 'chat'],
  ],
};

type Kind = 'request' | 'response';
const parse = (kind: Kind, data: Uint8Array, limits?: Parameters<typeof parseRequestHead>[1]) =>
  kind === 'request' ? parseRequestHead(data, limits) : parseResponseHead(data, limits);

describe.each([
  ['request', RFC_REQUEST, RFC_REQUEST_HEAD],
  ['response', RFC_RESPONSE, RFC_RESPONSE_HEAD],
] as const)('RFC 6455 §1.2 %s head', (kind, vector, head) => {
  const data = concat(bytes(vector), HELLO_FRAME);

  it('parses, consuming up to and including CRLFCRLF', () => {
    expect(parse(kind, data)).toEqual({ state: 'complete', head, consumed: vector.length });
    expect(parse(kind, bytes(vector))).toEqual({
      state: 'complete',
      head,
      consumed: vector.length,
    });
  });

  it('is incomplete for every proper prefix of the head', () => {
    for (let end = 0; end < vector.length; end++) {
      expect(parse(kind, data.subarray(0, end)), `prefix ${end}`).toEqual({ state: 'incomplete' });
    }
  });

  it('HeadReader gives the same head for two pieces split at every point', () => {
    for (let split = 0; split <= data.length; split++) {
      const reader = new HeadReader(kind);
      const first = reader.push(data.subarray(0, split));
      const result = first.state === 'complete' ? first : reader.push(data.subarray(split));
      expect(result.state, `split ${split}`).toBe('complete');
      if (result.state !== 'complete') continue;
      expect(result.head).toEqual(head);
      expect(result.consumed).toBe(vector.length);
      // The rest is what followed the head in the chunk that completed it.
      const restEnd = first.state === 'complete' ? split : data.length;
      expect(Array.from(result.rest)).toEqual(Array.from(data.subarray(vector.length, restEnd)));
    }
  });

  it('HeadReader gives the same head byte by byte', () => {
    const reader = new HeadReader(kind);
    let result: ReturnType<typeof reader.push> = { state: 'incomplete' };
    let i = 0;
    for (; i < data.length && result.state === 'incomplete'; i++) {
      result = reader.push(data.subarray(i, i + 1));
    }
    expect(i).toBe(vector.length);
    expect(result).toEqual({
      state: 'complete',
      head,
      consumed: vector.length,
      rest: new Uint8Array(0),
    });
    expect(() => reader.push(new Uint8Array(1))).toThrow(TypeError);
  });

  it('HeadReader gives the same head for any chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(data.length), { maxLength: 12 }), (cuts) => {
        const points = [...new Set([0, ...cuts, data.length])].sort((a, b) => a - b);
        const reader = new HeadReader(kind);
        let result: ReturnType<typeof reader.push> = { state: 'incomplete' };
        let restStart = -1;
        for (let k = 0; k + 1 < points.length && result.state === 'incomplete'; k++) {
          result = reader.push(data.subarray(points[k], points[k + 1]));
          if (result.state === 'complete') restStart = points[k + 1]! - result.rest.length;
        }
        expect(result.state).toBe('complete');
        if (result.state === 'complete') {
          expect(result.head).toEqual(head);
          expect(restStart).toBe(vector.length);
        }
      }),
    );
  });
});

describe('parseRequestHead: strict HTTP/1.1', () => {
  const request = (lines: string) => bytes(`GET / HTTP/1.1\r\n${lines}\r\n`);

  it('keeps header name case, trims OWS around values, reads obs-text as Latin-1', () => {
    const result = parseRequestHead(
      request('X-A:  a b \t\r\nx-b:\r\nX-C: caf\xe9\r\n'.replace('\xe9', 'e')),
    );
    expect(result).toMatchObject({
      state: 'complete',
      head: {
        headers: [
          ['X-A', 'a b'],
          ['x-b', ''],
          ['X-C', 'cafe'],
        ],
      },
    });
    const latin1 = concat(
      bytes('GET / HTTP/1.1\r\nX: caf'),
      new Uint8Array([0xe9]),
      bytes('\r\n\r\n'),
    );
    expect(parseRequestHead(latin1)).toMatchObject({ head: { headers: [['X', 'café']] } });
  });

  it('skips an empty line before the request line (RFC 7230 §3.5)', () => {
    expect(parseRequestHead(bytes(`\r\n${RFC_REQUEST}`))).toMatchObject({
      state: 'complete',
      consumed: RFC_REQUEST.length + 2,
    });
  });

  it('reads other methods, targets and versions for validateRequest to judge', () => {
    expect(parseRequestHead(bytes('POST /a?b=%20c HTTP/1.0\r\n\r\n'))).toEqual({
      state: 'complete',
      head: { method: 'POST', url: '/a?b=%20c', httpVersion: '1.0', headers: [] },
      consumed: 27,
    });
  });

  const badRequests: [string, string][] = [
    ['GET / HTTP/1.1\nHost: a\r\n\r\n', 'bare LF'],
    ['GET / HTTP/1.1\r\nHost: a\n\r\n', 'bare LF'],
    // LF-only heads never send a CR: answered at the first LF, not left to the timeout.
    ['GET / HTTP/1.1\nHost: a\n\n', 'bare LF'],
    ['GET / HTTP/1.1\r\nHost: a\nX: b\n\n', 'bare LF'],
    ['GET / HTTP/1.1\r\nHost: a\rX: b\r\n\r\n', 'bare CR'],
    ['GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n', 'obsolete line folding'],
    ['GET / HTTP/1.1\r\n\tHost: a\r\n\r\n', 'obsolete line folding'],
    ['GET / HTTP/1.1\r\nHost : a\r\n\r\n', 'invalid header name'],
    ['GET / HTTP/1.1\r\n: a\r\n\r\n', 'invalid header name'],
    ['GET / HTTP/1.1\r\nHost a\r\n\r\n', 'invalid header name'],
    ['GET / HTTP/1.1\r\nX(y): a\r\n\r\n', 'invalid header name'],
    ['GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n', 'invalid character 0x0'],
    ['GET / HTTP/1.1\r\nX: a\x1bb\r\n\r\n', 'invalid character 0x1b'],
    ['GET / HTTP/1.1\r\nX: a\x7fb\r\n\r\n', 'invalid character 0x7f'],
    ['G(T / HTTP/1.1\r\n\r\n', 'invalid method'],
    [' GET / HTTP/1.1\r\n\r\n', 'invalid method'],
    ['GET  / HTTP/1.1\r\n\r\n', 'invalid request target'],
    ['GET /a b HTTP/1.1\r\n\r\n', 'invalid HTTP version'],
    ['GET / HTTP/1.1 \r\n\r\n', 'invalid HTTP version'],
    ['GET / http/1.1\r\n\r\n', 'invalid HTTP version'],
    ['GET / HTTP/11\r\n\r\n', 'invalid HTTP version'],
    ['GET / HTTP/1.x\r\n\r\n', 'invalid HTTP version'],
    ['GET /\r\n\r\n', 'invalid request target'],
    ['GET\r\n\r\n', 'invalid method'],
  ];

  it.each(badRequests)('answers 400 to %j (%s), at every prefix too', (input, reason) => {
    const data = bytes(input);
    const result = parseRequestHead(data);
    expect(result).toMatchObject({ state: 'error', status: 400 });
    if (result.state === 'error') expect(result.reason).toContain(reason);
    for (let end = 0; end < data.length; end++) {
      const partial = parseRequestHead(data.subarray(0, end));
      if (partial.state !== 'incomplete') expect(partial).toEqual(result);
    }
    const reader = new HeadReader('request');
    let streamed: ReturnType<typeof reader.push> = { state: 'incomplete' };
    for (let i = 0; i < data.length && streamed.state === 'incomplete'; i++) {
      streamed = reader.push(data.subarray(i, i + 1));
    }
    expect(streamed).toEqual(result);
  });

  it('never throws and never misreads on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (data) => {
        const result = parseRequestHead(data);
        expect(['incomplete', 'complete', 'error']).toContain(result.state);
        if (result.state === 'complete') expect(result.consumed).toBeLessThanOrEqual(data.length);
      }),
    );
  });
});

describe('parseResponseHead', () => {
  it('accepts a status line without reason phrase, with or without its SP', () => {
    for (const line of ['HTTP/1.1 101', 'HTTP/1.1 101 ']) {
      expect(parseResponseHead(bytes(`${line}\r\n\r\n`))).toMatchObject({
        state: 'complete',
        head: { status: 101, statusText: '' },
      });
    }
    expect(parseResponseHead(bytes('HTTP/1.0 302 Found\r\nLocation: /x\r\n\r\n'))).toMatchObject({
      head: { httpVersion: '1.0', status: 302, statusText: 'Found', headers: [['Location', '/x']] },
    });
  });

  it.each([
    ['\r\nHTTP/1.1 101 OK\r\n\r\n', 'empty status line'],
    ['HTTP/1.1 10\r\n\r\n', 'invalid'],
    ['HTTP/1.1 1011\r\n\r\n', 'invalid status code'],
    ['HTTP/1.1 abc OK\r\n\r\n', 'invalid status code'],
    ['HTTP/1.1 099 X\r\n\r\n', 'invalid status code'],
    ['HTTP/1.1  101 X\r\n\r\n', 'invalid status code'],
    ['HTTPS/1.1 101 X\r\n\r\n', 'invalid HTTP version'],
    ['HTTP/1.1 101 A\x00B\r\n\r\n', 'reason phrase'],
    ['HTTP/1.1 101 OK\r\nUpgrade: web\x00socket\r\n\r\n', 'invalid character'],
  ])('answers 400 to %j', (input, reason) => {
    const result = parseResponseHead(bytes(input));
    expect(result).toMatchObject({ state: 'error', status: 400 });
    if (result.state === 'error') expect(result.reason).toContain(reason);
  });
});

describe('limits', () => {
  const headWith = (count: number, valueLength = 1) =>
    `GET / HTTP/1.1\r\n${Array.from({ length: count }, (_, i) => `X-${i}: ${'v'.repeat(valueLength)}\r\n`).join('')}\r\n`;

  it('accepts a head of exactly maxHeaderBytes and answers 431 one byte over', () => {
    const head = bytes(headWith(3, 10));
    expect(parseRequestHead(head, { maxHeaderBytes: head.length }).state).toBe('complete');
    const over = parseRequestHead(head, { maxHeaderBytes: head.length - 1 });
    expect(over).toMatchObject({ state: 'error', status: 431 });
    const reader = new HeadReader('request', { maxHeaderBytes: head.length - 1 });
    let result: ReturnType<typeof reader.push> = { state: 'incomplete' };
    let fed = 0;
    while (result.state === 'incomplete') result = reader.push(head.subarray(fed, ++fed));
    expect(result).toMatchObject({ state: 'error', status: 431 });
    expect(fed).toBe(head.length - 1);
  });

  it('answers 431 to an endless head once maxHeaderBytes have arrived, buffering no more', () => {
    const reader = new HeadReader('request');
    const chunk = bytes(`GET / HTTP/1.1\r\nX: ${'a'.repeat(1000)}`);
    expect(reader.push(chunk).state).toBe('incomplete');
    const filler = bytes('b'.repeat(4096));
    let result: ReturnType<typeof reader.push> = { state: 'incomplete' };
    let pushes = 0;
    while (result.state === 'incomplete') {
      result = reader.push(filler);
      pushes++;
    }
    expect(result).toMatchObject({ state: 'error', status: 431 });
    expect(pushes).toBe(Math.ceil((16384 - chunk.length) / 4096));
    expect(parseRequestHead(bytes(' '.repeat(100_000)))).toMatchObject({
      state: 'error',
      status: 431,
    });
  });

  it('accepts maxHeaders header lines and answers 431 to one more, before the head ends', () => {
    expect(parseRequestHead(bytes(headWith(100))).state).toBe('complete');
    expect(parseRequestHead(bytes(headWith(101)))).toMatchObject({ state: 'error', status: 431 });
    expect(parseRequestHead(bytes(headWith(3)), { maxHeaders: 2 })).toMatchObject({ status: 431 });
    const tenThousand = bytes(headWith(10_000));
    const unterminated = tenThousand.subarray(0, tenThousand.length - 2);
    expect(parseRequestHead(unterminated, { maxHeaderBytes: 1 << 20 })).toMatchObject({
      state: 'error',
      status: 431,
      reason: 'more than 100 header lines',
    });
  });

  it('throws RangeError for nonsensical limits (caller misuse)', () => {
    expect(() => parseRequestHead(new Uint8Array(0), { maxHeaderBytes: 0 })).toThrow(RangeError);
    expect(() => parseRequestHead(new Uint8Array(0), { maxHeaders: 1.5 })).toThrow(RangeError);
    expect(() => parseRequestHead('GET' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('does linear work in the size of the head', () => {
    const steps = (make: (n: number) => string, n: number): number => {
      const meter: ScanMeter = { steps: 0 };
      const result: HeadResult<unknown> = parseHead(
        'request',
        bytes(make(n)),
        {
          maxHeaders: 1 << 20,
          maxHeaderBytes: 1 << 24,
        },
        meter,
      );
      expect(result.state).not.toBe('incomplete');
      return meter.steps;
    };
    const cases: ((n: number) => string)[] = [
      (n) => headWith(n),
      (n) => headWith(1, n),
      (n) => `GET /${'a'.repeat(n)} HTTP/1.1\r\n\r\n`,
      (n) => `GET / HTTP/1.1\r\nX: ${' '.repeat(n)}\r\n\r\n`,
      (n) => `GET / HTTP/1.1\r\nX: ${'\r'.repeat(n)}\r\n\r\n`,
    ];
    for (const make of cases) {
      const small = steps(make, 10_000);
      const large = steps(make, 20_000);
      expect(large).toBeLessThanOrEqual(2.2 * small + 16);
      expect(large).toBeLessThanOrEqual(4 * make(20_000).length);
    }
  });
});
