import { describe, expect, it } from 'vitest';
import { parseRequestHead } from '../src/head-parser.js';
import type { HeaderInput } from '../src/header-input.js';
import { type RequestHead, validateRequest } from '../src/server-validate.js';
import { bytes, CHROMIUM_HEADERS, RFC_REQUEST } from './vectors.js';

const request = (headers: HeaderInput, extra: Partial<RequestHead> = {}): RequestHead => ({
  method: 'GET',
  httpVersion: '1.1',
  url: '/chat',
  headers,
  ...extra,
});

const withHeaders = (changes: Record<string, string | string[] | undefined>) =>
  request({ ...CHROMIUM_HEADERS, ...changes });

describe('validateRequest accepts', () => {
  it('RFC 6455 §1.2 as parsed from the wire', () => {
    const parsed = parseRequestHead(bytes(RFC_REQUEST));
    if (parsed.state !== 'complete') throw new Error('the RFC request must parse');
    expect(validateRequest(parsed.head)).toEqual({
      ok: true,
      handshake: {
        key: 'dGhlIHNhbXBsZSBub25jZQ==',
        protocols: ['chat', 'superchat'],
        extensions: [],
        origin: 'http://example.com',
        host: 'server.example.com',
        url: '/chat',
      },
    });
  });

  it("Chromium's request as Node's headers record", () => {
    expect(validateRequest(request(CHROMIUM_HEADERS))).toEqual({
      ok: true,
      handshake: {
        key: 'dGhlIHNhbXBsZSBub25jZQ==',
        protocols: [],
        extensions: [
          {
            name: 'permessage-deflate',
            params: [{ name: 'client_max_window_bits', value: undefined }],
          },
        ],
        origin: 'http://localhost:8080',
        host: 'localhost:8080',
        url: '/chat',
      },
    });
  });

  it('any header name case, Node rawHeaders, comma lists and repeated list headers', () => {
    const raw = [
      'HOST',
      'h',
      'upgrade',
      'WebSocket',
      'CONNECTION',
      'keep-alive, Upgrade',
      'Sec-Websocket-Key',
      'dGhlIHNhbXBsZSBub25jZQ==',
      'sec-websocket-version',
      '13',
      'Sec-WebSocket-Protocol',
      'a',
      'Sec-WebSocket-Protocol',
      'b, c',
    ];
    const result = validateRequest(request(raw));
    expect(result).toMatchObject({
      ok: true,
      handshake: { host: 'h', protocols: ['a', 'b', 'c'], origin: undefined },
    });
    const record = validateRequest(
      request({
        Host: 'h',
        Upgrade: 'websocket',
        Connection: 'Upgrade',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Extensions': ['a', 'b; x=1'],
      }),
    );
    expect(record).toMatchObject({
      ok: true,
      handshake: { extensions: [{ name: 'a' }, { name: 'b' }] },
    });
    expect(validateRequest(request({ ...CHROMIUM_HEADERS }, { httpVersion: '2.0' })).ok).toBe(true);
  });
});

describe('validateRequest rejects', () => {
  const cases: [string, RequestHead, number, string, [string, string][]?][] = [
    [
      'another method',
      request(CHROMIUM_HEADERS, { method: 'POST' }),
      405,
      'method-not-allowed',
      [['Allow', 'GET']],
    ],
    [
      'a lowercase method',
      request(CHROMIUM_HEADERS, { method: 'get' }),
      405,
      'method-not-allowed',
      [['Allow', 'GET']],
    ],
    [
      'HTTP/1.0',
      request(CHROMIUM_HEADERS, { httpVersion: '1.0' }),
      505,
      'unsupported-http-version',
    ],
    [
      'HTTP/0.9',
      request(CHROMIUM_HEADERS, { httpVersion: '0.9' }),
      505,
      'unsupported-http-version',
    ],
    [
      'a malformed HTTP version',
      request(CHROMIUM_HEADERS, { httpVersion: '1' }),
      400,
      'invalid-http-version',
    ],
    ['a missing Host', withHeaders({ host: undefined }), 400, 'invalid-host'],
    ['an empty Host', withHeaders({ host: '' }), 400, 'invalid-host'],
    ['two Host headers', withHeaders({ host: ['a', 'b'] }), 400, 'invalid-host'],
    ['a missing Upgrade', withHeaders({ upgrade: undefined }), 400, 'missing-upgrade'],
    ['Upgrade without websocket', withHeaders({ upgrade: 'h2c' }), 400, 'missing-upgrade'],
    [
      'a missing Connection',
      withHeaders({ connection: undefined }),
      400,
      'missing-connection-upgrade',
    ],
    [
      'Connection without upgrade',
      withHeaders({ connection: 'keep-alive' }),
      400,
      'missing-connection-upgrade',
    ],
    [
      'a missing version',
      withHeaders({ 'sec-websocket-version': undefined }),
      426,
      'unsupported-websocket-version',
      [['Sec-WebSocket-Version', '13']],
    ],
    [
      'version 8',
      withHeaders({ 'sec-websocket-version': '8' }),
      426,
      'unsupported-websocket-version',
      [['Sec-WebSocket-Version', '13']],
    ],
    [
      'a repeated version',
      withHeaders({ 'sec-websocket-version': ['13', '13'] }),
      400,
      'invalid-websocket-version',
    ],
    ['a missing key', withHeaders({ 'sec-websocket-key': undefined }), 400, 'invalid-key'],
    [
      'a 15-byte key',
      withHeaders({ 'sec-websocket-key': 'AAAAAAAAAAAAAAAAAAAA' }),
      400,
      'invalid-key',
    ],
    [
      'a 17-byte key',
      withHeaders({ 'sec-websocket-key': 'AAAAAAAAAAAAAAAAAAAAAAA=' }),
      400,
      'invalid-key',
    ],
    [
      'a non-base64 key',
      withHeaders({ 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ!=' }),
      400,
      'invalid-key',
    ],
    [
      'two keys',
      withHeaders({
        'sec-websocket-key': ['dGhlIHNhbXBsZSBub25jZQ==', 'dGhlIHNhbXBsZSBub25jZQ=='],
      }),
      400,
      'invalid-key',
    ],
    [
      'a malformed protocol list',
      withHeaders({ 'sec-websocket-protocol': 'a b' }),
      400,
      'invalid-protocol',
    ],
    [
      'an empty protocol list',
      withHeaders({ 'sec-websocket-protocol': '' }),
      400,
      'invalid-protocol',
    ],
    [
      'a repeated protocol',
      withHeaders({ 'sec-websocket-protocol': 'chat, chat' }),
      400,
      'invalid-protocol',
    ],
    [
      'malformed extensions',
      withHeaders({ 'sec-websocket-extensions': 'a; b="' }),
      400,
      'invalid-extensions',
    ],
  ];

  it.each(cases)('%s', (_, input, status, kind, headers = []) => {
    const result = validateRequest(input);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.rejection).toMatchObject({ status, kind, headers });
    expect(result.rejection.reason.length).toBeGreaterThan(10);
  });

  it('too many protocols or too long an extension header, per the options', () => {
    const protocols = Array.from({ length: 40 }, (_, i) => `p${i}`).join(', ');
    expect(validateRequest(withHeaders({ 'sec-websocket-protocol': protocols }))).toMatchObject({
      ok: false,
      rejection: { status: 400, kind: 'invalid-protocol' },
    });
    expect(
      validateRequest(withHeaders({ 'sec-websocket-protocol': protocols }), { maxListItems: 40 })
        .ok,
    ).toBe(true);
    const long = `x; y=${'1'.repeat(100)}`;
    expect(
      validateRequest(withHeaders({ 'sec-websocket-extensions': long }), {
        maxHeaderValueLength: 50,
      }),
    ).toMatchObject({ ok: false, rejection: { kind: 'invalid-extensions' } });
  });

  it('throws for caller misuse: bad limits or no headers', () => {
    expect(() => validateRequest(request(CHROMIUM_HEADERS), { maxListItems: 0 })).toThrow(
      RangeError,
    );
    expect(() => validateRequest(request(undefined as unknown as HeaderInput))).toThrow(TypeError);
  });
});
