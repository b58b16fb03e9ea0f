import type { AcceptedHandshake } from '@ws/handshake';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { allowOrigins, type UpgradeRequest, type WebSocketServer } from '../src/index.js';
import { listen, rawClient, rawRequest, upgradeHead } from './helpers.js';

const req = {} as UpgradeRequest;
const withOrigin = (origin: string | undefined): AcceptedHandshake => ({
  key: 'dGhlIHNhbXBsZSBub25jZQ==',
  protocols: [],
  extensions: [],
  origin,
  host: 'localhost',
  url: '/',
});

describe('allowOrigins', () => {
  const check = allowOrigins([
    'https://example.com',
    'http://localhost:8080',
    /^https:\/\/[a-z]+\.example\.org$/,
  ]);

  it('accepts listed origins, case-insensitively and with a trailing slash', () => {
    expect(check(req, withOrigin('https://example.com'))).toBe(true);
    expect(check(req, withOrigin('HTTPS://EXAMPLE.COM/'))).toBe(true);
    expect(check(req, withOrigin('http://localhost:8080'))).toBe(true);
    expect(check(req, withOrigin('https://app.example.org'))).toBe(true);
  });

  it('refuses look-alikes: other scheme, port, subdomain, suffix, and the opaque "null" origin', () => {
    for (const origin of [
      'http://example.com',
      'https://example.com:444',
      'https://evil.example.com',
      'https://example.com.evil.net',
      'http://localhost:8081',
      'https://a.b.example.org',
      'null',
    ]) {
      expect(check(req, withOrigin(origin)), origin).toBe(false);
    }
  });

  it('refuses every origin not listed (property)', () => {
    const listed = new Set(['https://example.com', 'http://localhost:8080']);
    const strict = allowOrigins([...listed]);
    fc.assert(
      fc.property(fc.webUrl(), (url) => {
        const origin = new URL(url).origin;
        expect(strict(req, withOrigin(origin))).toBe(listed.has(origin.toLowerCase()));
      }),
    );
  });

  it('accepts a request without Origin unless allowMissing is false', () => {
    expect(check(req, withOrigin(undefined))).toBe(true);
    expect(
      allowOrigins(['https://a.com'], { allowMissing: false })(req, withOrigin(undefined)),
    ).toBe(false);
  });

  it('throws for a list that is not strings or RegExps', () => {
    expect(() => allowOrigins('https://a.com' as never)).toThrow(TypeError);
    expect(() => allowOrigins([42 as never])).toThrow(TypeError);
  });
});

describe('allowOrigins as a server verify hook', () => {
  let wss: WebSocketServer | undefined;
  afterEach(() => wss?.terminate());

  it('answers 403 to a cross-site origin and 101 to the allowed one', async () => {
    const started = await listen({ verify: allowOrigins(['https://chat.example']) });
    wss = started.wss;
    const refused = await rawRequest(
      started.port,
      upgradeHead('/', { Origin: 'https://evil.example' }),
    );
    expect(refused.status).toBe(403);
    const { client } = await rawClient(started.port, '/', { Origin: 'https://chat.example' });
    client.socket.destroy();
  });
});
