import { describe, expect, it } from 'vitest';
import { type ExpectedHandshake, validateResponse } from '../src/client-validate.js';
import { parseResponseHead } from '../src/head-parser.js';
import { bytes, RFC_RESPONSE } from './vectors.js';

const key = 'dGhlIHNhbXBsZSBub25jZQ==';
const accept = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';
const good = { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-accept': accept };
const respond = (changes: Record<string, string | undefined>, status = 101) => ({
  status,
  headers: { ...good, ...changes },
});

describe('validateResponse accepts', () => {
  it('RFC 6455 §1.2 as parsed from the wire', () => {
    const parsed = parseResponseHead(bytes(RFC_RESPONSE));
    if (parsed.state !== 'complete') throw new Error('the RFC response must parse');
    expect(validateResponse(parsed.head, { key, protocols: ['chat', 'superchat'] })).toEqual({
      ok: true,
      protocol: 'chat',
      extensions: [],
    });
  });

  it('no protocol, case-insensitive tokens, offered extensions with parameters', () => {
    expect(
      validateResponse(
        respond({
          upgrade: 'WebSocket',
          connection: 'keep-alive, UPGRADE',
          'sec-websocket-extensions': 'Permessage-Deflate; server_max_window_bits=10',
        }),
        { key, protocols: ['chat'], extensions: ['permessage-deflate'] },
      ),
    ).toEqual({
      ok: true,
      protocol: undefined,
      extensions: [
        { name: 'Permessage-Deflate', params: [{ name: 'server_max_window_bits', value: '10' }] },
      ],
    });
  });
});

describe('validateResponse fails', () => {
  const expected: ExpectedHandshake = {
    key,
    protocols: ['chat'],
    extensions: ['permessage-deflate'],
  };
  it.each([
    [
      'a 302 as a redirect with its Location',
      respond({ location: 'wss://elsewhere/' }, 302),
      'redirect',
      /302.*elsewhere/,
    ],
    ['a 301 without Location', respond({}, 301), 'redirect', /no Location/],
    ['a 200', respond({}, 200), 'unexpected-status', /got 200/],
    ['a 403', respond({}, 403), 'unexpected-status', /got 403/],
    ['a missing Upgrade', respond({ upgrade: undefined }), 'missing-upgrade', /Upgrade/],
    ['Upgrade: h2c', respond({ upgrade: 'h2c' }), 'missing-upgrade', /Upgrade/],
    [
      'a missing Connection',
      respond({ connection: undefined }),
      'missing-connection-upgrade',
      /Connection/,
    ],
    [
      'Connection: close',
      respond({ connection: 'close' }),
      'missing-connection-upgrade',
      /Connection/,
    ],
    [
      'a missing Accept',
      respond({ 'sec-websocket-accept': undefined }),
      'missing-accept',
      /Sec-WebSocket-Accept/,
    ],
    [
      'a wrong Accept',
      respond({ 'sec-websocket-accept': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }),
      'invalid-accept',
      /does not match/,
    ],
    [
      'a protocol list',
      respond({ 'sec-websocket-protocol': 'chat, superchat' }),
      'invalid-protocol',
      /single token/,
    ],
    [
      'a protocol not offered',
      respond({ 'sec-websocket-protocol': 'superchat' }),
      'unrequested-protocol',
      /superchat/,
    ],
    [
      'malformed extensions',
      respond({ 'sec-websocket-extensions': 'permessage-deflate; x="' }),
      'invalid-extensions',
      /Sec-WebSocket-Extensions/,
    ],
    [
      'an extension not offered',
      respond({ 'sec-websocket-extensions': 'x-webkit-deflate-frame' }),
      'unrequested-extension',
      /x-webkit-deflate-frame/,
    ],
  ] as const)('%s', (_, response, kind, message) => {
    const result = validateResponse(response, expected);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe(kind);
    expect(result.error.message).toMatch(message);
  });

  it('reports the redirect target and status as fields', () => {
    expect(validateResponse(respond({ location: '/x' }, 307), expected)).toEqual({
      ok: false,
      error: {
        kind: 'redirect',
        status: 307,
        location: '/x',
        message: 'the server redirected (307) to /x',
      },
    });
  });

  it('fails a protocol when none was offered', () => {
    const result = validateResponse(respond({ 'sec-websocket-protocol': 'chat' }), { key });
    expect(result).toMatchObject({ ok: false, error: { kind: 'unrequested-protocol' } });
  });

  it('throws for caller misuse: no headers or no key', () => {
    expect(() => validateResponse({ status: 101 } as never, { key })).toThrow(TypeError);
    expect(() => validateResponse(respond({}), {} as never)).toThrow(TypeError);
  });
});
