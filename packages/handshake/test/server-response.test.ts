import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptResponse, acceptResponseText, rejectResponse } from '../src/server-response.js';
import { validateRequest } from '../src/server-validate.js';
import { extensionOffer, token } from './arbitraries.js';
import { CHROMIUM_HEADERS, RFC_RESPONSE, text } from './vectors.js';

describe('acceptResponse', () => {
  it('produces RFC 6455 §1.2 byte for byte', () => {
    expect(text(acceptResponse({ key: 'dGhlIHNhbXBsZSBub25jZQ==', protocol: 'chat' }))).toBe(
      RFC_RESPONSE,
    );
  });

  it('produces the RFC 6455 §4.2.2 example response when no protocol is chosen', () => {
    expect(text(acceptResponse({ key: 'dGhlIHNhbXBsZSBub25jZQ==' }))).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
    );
  });

  it('adds extensions and extra headers after the handshake headers', () => {
    const bytes = acceptResponse({
      key: 'dGhlIHNhbXBsZSBub25jZQ==',
      extensions: [
        {
          name: 'permessage-deflate',
          params: [{ name: 'server_no_context_takeover', value: undefined }],
        },
      ],
      headers: [['Set-Cookie', 'a=1']],
    });
    expect(text(bytes)).toBe(
      'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n' +
        'Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n' +
        'Set-Cookie: a=1\r\n\r\n',
    );
    expect(
      text(
        acceptResponse({ key: 'k', headers: { 'X-A': ['1', '2'], 'X-B': 3, 'X-C': undefined } }),
      ),
    ).toContain('X-A: 1\r\nX-A: 2\r\nX-B: 3\r\n\r\n');
  });

  it('throws TypeError rather than write a bad protocol or header', () => {
    const key = 'dGhlIHNhbXBsZSBub25jZQ==';
    expect(() => acceptResponse({ key, protocol: 'a, b' })).toThrow(TypeError);
    expect(() => acceptResponse({ key, protocol: 'chat\r\nX-Evil: 1' })).toThrow(TypeError);
    expect(() => acceptResponse({ key, headers: { 'X-A': 'a\r\nX-Evil: 1' } })).toThrow(TypeError);
    expect(() => acceptResponse({ key, headers: { 'X-A': 'a\nb' } })).toThrow(TypeError);
    expect(() => acceptResponse({ key, headers: { 'X-A': 'a\0b' } })).toThrow(TypeError);
    expect(() => acceptResponse({ key, headers: { 'X A': 'a' } })).toThrow(TypeError);
    expect(() => acceptResponse({ key, headers: { 'X-A': 'Ā' } })).toThrow(TypeError);
    expect(() => acceptResponse({ key, headers: [['Sec-WebSocket-Accept', 'x']] })).toThrow(
      /set by the handshake/,
    );
    expect(() => acceptResponse({ key, headers: { connection: 'close' } })).toThrow(TypeError);
  });
});

describe('acceptResponseText', () => {
  it('is the RFC 6455 §1.2 response as text', () => {
    expect(acceptResponseText({ key: 'dGhlIHNhbXBsZSBub25jZQ==', protocol: 'chat' })).toBe(
      RFC_RESPONSE,
    );
  });

  it('is acceptResponse character for byte, every character below U+0100', () => {
    // Field values may hold obs-text (0x80–0xFF), which must come out as single latin1 bytes.
    const value = fc
      .array(fc.integer({ min: 0x20, max: 0xff }), { maxLength: 20 })
      .map((codes) => String.fromCharCode(...codes.filter((c) => c !== 0x7f)).trim());
    fc.assert(
      fc.property(
        fc.option(token(), { nil: undefined }),
        fc.array(extensionOffer(), { maxLength: 2 }),
        fc.array(
          fc.tuple(
            token().map((name) => `X-${name}`),
            value,
          ),
          { maxLength: 4 },
        ),
        (protocol, extensions, headers) => {
          const options = { key: 'dGhlIHNhbXBsZSBub25jZQ==', protocol, extensions, headers };
          const text = acceptResponseText(options);
          const bytes = acceptResponse(options);
          expect(text.length).toBe(bytes.length);
          for (let i = 0; i < text.length; i++) expect(text.charCodeAt(i)).toBe(bytes[i]);
        },
      ),
    );
  });

  it('throws the same TypeErrors as acceptResponse', () => {
    const key = 'dGhlIHNhbXBsZSBub25jZQ==';
    expect(() => acceptResponseText({ key, protocol: 'a, b' })).toThrow(TypeError);
    expect(() => acceptResponseText({ key, headers: { 'X-A': 'a\r\nX-Evil: 1' } })).toThrow(
      TypeError,
    );
    expect(() => acceptResponseText({ key, headers: { 'X-A': 'Ā' } })).toThrow(TypeError);
  });
});

describe('rejectResponse', () => {
  it('produces a closed, sized text/plain response with the standard reason phrase', () => {
    expect(text(rejectResponse(400))).toBe(
      'HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
        'Content-Length: 11\r\n\r\nBad Request',
    );
    expect(
      text(
        rejectResponse(403, {
          reason: 'Origin not allowed: é',
          headers: { 'Content-Type': 'text/x' },
        }),
      ),
    ).toBe(
      'HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 22\r\nContent-Type: text/x\r\n\r\n' +
        'Origin not allowed: é',
    );
    expect(text(rejectResponse(599))).toMatch(/^HTTP\/1\.1 599 \r\n/);
  });

  it('sends what validateRequest decided, headers included', () => {
    const result = validateRequest({
      method: 'GET',
      httpVersion: '1.1',
      url: '/',
      headers: { ...CHROMIUM_HEADERS, 'sec-websocket-version': '7' },
    });
    if (result.ok) throw new Error('version 7 must be refused');
    const response = text(rejectResponse(result.rejection.status, result.rejection));
    expect(response).toMatch(/^HTTP\/1\.1 426 Upgrade Required\r\n/);
    expect(response).toContain('\r\nSec-WebSocket-Version: 13\r\n');
    expect(response.endsWith(`\r\n\r\n${result.rejection.reason}`)).toBe(true);
    const post = validateRequest({
      method: 'POST',
      httpVersion: '1.1',
      url: '/',
      headers: CHROMIUM_HEADERS,
    });
    if (post.ok) throw new Error('POST must be refused');
    expect(text(rejectResponse(post.rejection.status, post.rejection))).toContain(
      'HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\n',
    );
    expect(text(rejectResponse(post.rejection.status, post.rejection))).toContain(
      '\r\nAllow: GET\r\n',
    );
  });

  it('throws RangeError for a status outside 200–599 and TypeError for bad headers', () => {
    for (const status of [101, 199, 600, 400.5, Number.NaN]) {
      expect(() => rejectResponse(status)).toThrow(RangeError);
    }
    expect(() => rejectResponse(400, { headers: [['Content-Length', '1']] })).toThrow(TypeError);
    expect(() => rejectResponse(400, { headers: [['X', 'a\r\n\r\nHTTP/1.1 200 OK']] })).toThrow(
      TypeError,
    );
  });
});
