import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptKey, generateKey, isValidKey, WEBSOCKET_GUID } from '../src/key.js';

describe('acceptKey', () => {
  it('matches RFC 6455 §1.3', () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('matches node:crypto for random keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const key = Buffer.from(bytes).toString('base64');
        const expected = createHash('sha1')
          .update(key + WEBSOCKET_GUID)
          .digest('base64');
        expect(acceptKey(key)).toBe(expected);
      }),
    );
  });

  it('throws TypeError for a non-string', () => {
    expect(() => acceptKey(42 as unknown as string)).toThrow(TypeError);
  });
});

describe('isValidKey', () => {
  it('accepts 16 bytes in base64', () => {
    expect(isValidKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe(true);
    expect(isValidKey(randomBytes(16).toString('base64'))).toBe(true);
  });

  it('rejects other lengths, bad characters and non-canonical trailing bits', () => {
    for (const key of [
      '',
      'dGhlIHNhbXBsZSBub25jZQ',
      'dGhlIHNhbXBsZSBub25jZQ=',
      'dGhlIHNhbXBsZSBub25jZQ===',
      randomBytes(15).toString('base64'),
      randomBytes(17).toString('base64'),
      'dGhlIHNhbXBsZSBub25jZR==',
      'dGhlIHNhbXBsZSBub25jZ*==',
      'dGhlIHNhbXBsZSBub25j ZQ==',
      'dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ==',
    ]) {
      expect(isValidKey(key), key).toBe(false);
    }
  });

  it('agrees with a reference on arbitrary 24-character strings', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ ';
    const reference = (key: string): boolean =>
      /^[A-Za-z0-9+/]{21}[AQgw]==$/.test(key) && Buffer.from(key, 'base64').length === 16;
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom(...alphabet), minLength: 22, maxLength: 22 }),
        fc.constantFrom('==', 'A=', '=A', 'AA'),
        (body, tail) => {
          const key = body + tail;
          expect(isValidKey(key)).toBe(reference(key));
        },
      ),
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        expect(isValidKey(Buffer.from(bytes).toString('base64'))).toBe(true);
      }),
    );
  });
});

describe('generateKey', () => {
  it('base64-encodes 16 bytes from the injected source', () => {
    const key = generateKey((bytes) => {
      expect(bytes.length).toBe(16);
      bytes.set(new TextEncoder().encode('the sample nonce'));
    });
    expect(key).toBe('dGhlIHNhbXBsZSBub25jZQ==');
  });

  it('uses crypto.getRandomValues by default: valid and different each time', () => {
    const keys = new Set(Array.from({ length: 64 }, () => generateKey()));
    expect(keys.size).toBe(64);
    for (const key of keys) expect(isValidKey(key)).toBe(true);
  });

  it('throws TypeError for a source that is not a function', () => {
    expect(() => generateKey(1 as unknown as (bytes: Uint8Array) => void)).toThrow(TypeError);
  });
});
