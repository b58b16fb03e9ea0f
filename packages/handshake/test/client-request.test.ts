import { describe, expect, it } from 'vitest';
import { buildRequest, type RequestOptions, resolveTarget } from '../src/client-request.js';
import { parseRequestHead } from '../src/head-parser.js';
import { RFC_REQUEST, text } from './vectors.js';

const key = 'dGhlIHNhbXBsZSBub25jZQ==';

describe('buildRequest', () => {
  it('produces RFC 6455 §1.2 with the same headers', () => {
    const request = text(
      buildRequest('ws://server.example.com/chat', {
        key,
        origin: 'http://example.com',
        protocols: ['chat', 'superchat'],
      }),
    );
    const lines = (head: string) => head.split('\r\n').sort();
    expect(lines(request)).toEqual(lines(RFC_REQUEST));
    expect(request.startsWith('GET /chat HTTP/1.1\r\nHost: server.example.com\r\n')).toBe(true);
    expect(request.endsWith('\r\n\r\n')).toBe(true);
  });

  it.each([
    ['ws://example.com', '/', 'example.com'],
    ['ws://example.com:80/a', '/a', 'example.com'],
    ['wss://example.com:443/a', '/a', 'example.com'],
    ['ws://example.com:443/', '/', 'example.com:443'],
    ['wss://example.com:80/', '/', 'example.com:80'],
    ['ws://EXAMPLE.com:8080/p/q?x=1&y=%20', '/p/q?x=1&y=%20', 'example.com:8080'],
    ['ws://[::1]:9000/', '/', '[::1]:9000'],
    ['wss://[2001:db8::1]/', '/', '[2001:db8::1]'],
    ['ws://127.0.0.1/a b', '/a%20b', '127.0.0.1'],
  ])('%s → GET %s, Host %s', (url, path, host) => {
    const request = text(buildRequest(url, { key }));
    expect(request.startsWith(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\n`)).toBe(true);
    expect(text(buildRequest(new URL(url), { key }))).toBe(request);
  });

  it('a URL instance gives the same target and request as its string', () => {
    const href = 'wss://us%20er:p%40ss@example.com:8443/p?q';
    expect(resolveTarget(new URL(href))).toEqual(resolveTarget(href));
    expect(resolveTarget(new URL(href))).toEqual({
      secure: true,
      hostname: 'example.com',
      port: 8443,
      host: 'example.com:8443',
      path: '/p?q',
    });
    expect(text(buildRequest(new URL(href), { key }))).toBe(text(buildRequest(href, { key })));
  });

  it('refuses a URL instance with a fragment, even an empty one', () => {
    expect(() => resolveTarget(new URL('ws://h/#'))).toThrow(TypeError);
    expect(() => resolveTarget(new URL('ws://h/#x'))).toThrow(TypeError);
    expect(() => buildRequest(new URL('ws://h/#'), { key })).toThrow(TypeError);
  });

  it('resolves where to connect', () => {
    expect(resolveTarget('wss://[::1]/x?y')).toEqual({
      secure: true,
      hostname: '::1',
      port: 443,
      host: '[::1]',
      path: '/x?y',
    });
    expect(resolveTarget('ws://a:81')).toMatchObject({
      secure: false,
      hostname: 'a',
      port: 81,
      host: 'a:81',
    });
  });

  it('sends URL credentials as Basic authorization', () => {
    const request = text(buildRequest('wss://us%20er:p%40ss@example.com/', { key }));
    expect(request).toContain(`\r\nAuthorization: Basic ${btoa('us er:p@ss')}\r\n`);
    expect(request).not.toContain('us%20er');
    expect(() =>
      buildRequest('wss://u:p@example.com/', { key, headers: { Authorization: 'Bearer x' } }),
    ).toThrow(TypeError);
    expect(() => buildRequest('wss://%ff@example.com/', { key })).toThrow(TypeError);
  });

  it('adds extensions and extra headers; the result parses', () => {
    const bytes = buildRequest('ws://h/', {
      key,
      extensions: [
        {
          name: 'permessage-deflate',
          params: [{ name: 'client_max_window_bits', value: undefined }],
        },
      ],
      headers: { 'User-Agent': 'test', Cookie: ['a=1', 'b=2'] },
    });
    const parsed = parseRequestHead(bytes);
    expect(parsed).toMatchObject({ state: 'complete', consumed: bytes.length });
    if (parsed.state !== 'complete') return;
    expect(parsed.head.headers).toContainEqual([
      'Sec-WebSocket-Extensions',
      'permessage-deflate; client_max_window_bits',
    ]);
    expect(parsed.head.headers).toContainEqual(['Cookie', 'b=2']);
  });

  it.each([
    ['http://example.com/', {}],
    ['https://example.com/', {}],
    ['ftp://example.com/', {}],
    ['not a url', {}],
    ['ws://example.com/#frag', {}],
    ['ws://example.com/#', {}],
    ['ws://h/', { key: 'short' }],
    ['ws://h/', { key: 'dGhlIHNhbXBsZSBub25jZR==' }],
    ['ws://h/', { protocols: ['a', 'a'] }],
    ['ws://h/', { protocols: ['a b'] }],
    ['ws://h/', { protocols: [''] }],
    ['ws://h/', { extensions: [{ name: 'a;b', params: [] }] }],
    ['ws://h/', { origin: 'http://a\r\nX: y' }],
    ['ws://h/', { origin: 'http://a', headers: { origin: 'http://b' } }],
    ['ws://h/', { headers: { Host: 'other' } }],
    ['ws://h/', { headers: { 'Sec-WebSocket-Key': key } }],
    ['ws://h/', { headers: { 'X-A': 'a\r\nb' } }],
    ['ws://h/', { headers: { 'X:A': 'a' } }],
  ] as const)('throws TypeError for %s %j', (url, options) => {
    expect(() => buildRequest(url, { key, ...(options as Partial<RequestOptions>) })).toThrow(
      TypeError,
    );
  });
});
