import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SHA1_DIGEST_BYTES, Sha1, sha1, sha1Hex } from '../src/index.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const reference = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');
const ascii = (text: string) => new TextEncoder().encode(text);

/** Deterministic bytes (xorshift32), so a failure names an input that can be rebuilt. */
function pseudoRandomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x;
  }
  return out;
}

// FIPS 180 example messages (NIST "Cryptographic Standards and Guidelines: Examples with
// Intermediate Values", SHA1.pdf / SHA1-2.pdf) and the FIPS 180-1 appendix C million "a".
const NIST_VECTORS: ReadonlyArray<readonly [string, string, string]> = [
  ['empty', '', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
  ['"abc" (one block)', 'abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
  [
    '448-bit message (two blocks)',
    'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
  ],
  [
    '896-bit message',
    'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
    'a49b2446a02c645bf419f995b67091253a04a259',
  ],
];
const MILLION_A_DIGEST = '34aa973cd4c4daa4f61eeb2bdbad27316534016f';

describe('FIPS 180 / NIST example vectors', () => {
  for (const [name, message, digest] of NIST_VECTORS) {
    it(`${name}: sha1, sha1Hex and Sha1 agree with the published digest`, () => {
      expect(hex(sha1(message))).toBe(digest);
      expect(hex(sha1(ascii(message)))).toBe(digest);
      expect(sha1Hex(message)).toBe(digest);
      expect(sha1Hex(ascii(message))).toBe(digest);
      expect(hex(new Sha1().update(message).digest())).toBe(digest);
      expect(reference(ascii(message))).toBe(digest);
    });

    it(`${name}: every split point into two updates gives the same digest`, () => {
      const bytes = ascii(message);
      for (let k = 0; k <= bytes.length; k++) {
        const h = new Sha1().update(bytes.subarray(0, k)).update(bytes.subarray(k));
        expect(hex(h.digest()), `split at ${k}`).toBe(digest);
        const s = new Sha1().update(message.slice(0, k)).update(message.slice(k));
        expect(hex(s.digest()), `string split at ${k}`).toBe(digest);
      }
    });
  }

  it('one million "a": one shot, as a string, and in 1000-byte updates', () => {
    const million = new Uint8Array(1_000_000).fill(0x61);
    expect(hex(sha1(million))).toBe(MILLION_A_DIGEST);
    expect(sha1Hex('a'.repeat(1_000_000))).toBe(MILLION_A_DIGEST);
    const h = new Sha1();
    for (let i = 0; i < 1000; i++) h.update(million.subarray(i * 1000, (i + 1) * 1000));
    expect(hex(h.digest())).toBe(MILLION_A_DIGEST);
  });

  it('RFC 6455 §1.3 handshake input hashes to the bytes behind "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="', () => {
    const digest = sha1('dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11');
    expect(Buffer.from(digest).toString('base64')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });
});

describe('cross-check against node:crypto', () => {
  it('every input length from 0 to 4095 bytes (one shot, hex and incremental)', () => {
    const data = pseudoRandomBytes(4095, 0x5eed);
    for (let n = 0; n <= 4095; n++) {
      const input = data.subarray(0, n);
      const expected = reference(input);
      expect(hex(sha1(input)), `length ${n}`).toBe(expected);
      expect(sha1Hex(input), `length ${n}`).toBe(expected);
      expect(hex(new Sha1().update(input).digest()), `length ${n}`).toBe(expected);
    }
  });

  it('random inputs split at every point into two updates', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const expected = reference(bytes);
        for (let k = 0; k <= bytes.length; k++) {
          const h = new Sha1().update(bytes.subarray(0, k)).update(bytes.subarray(k));
          expect(hex(h.digest())).toBe(expected);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('random inputs cut into any number of updates of any sizes (empty ones included)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 1000 }),
        fc.array(fc.nat({ max: 1000 }), { maxLength: 20 }),
        (bytes, cuts) => {
          const points = [0, ...cuts.map((c) => c % (bytes.length + 1)), bytes.length].sort(
            (a, b) => a - b,
          );
          const h = new Sha1();
          for (let i = 1; i < points.length; i++)
            h.update(bytes.subarray(points[i - 1], points[i]));
          expect(hex(h.digest())).toBe(reference(bytes));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('views and inputs', () => {
  it('hashes subarray views with a non-zero byteOffset, whatever their alignment', () => {
    const backing = pseudoRandomBytes(1024 + 16, 42);
    for (let offset = 1; offset < 16; offset++) {
      for (const n of [0, 1, 55, 56, 63, 64, 65, 127, 128, 129, 1000]) {
        const view = backing.subarray(offset, offset + n);
        expect(view.byteOffset).toBe(offset);
        const expected = reference(view);
        expect(hex(sha1(view)), `offset ${offset} length ${n}`).toBe(expected);
        expect(hex(new Sha1().update(view).digest()), `offset ${offset} length ${n}`).toBe(
          expected,
        );
      }
    }
  });

  it('hashes a Buffer and a Uint8Array over a shared ArrayBuffer like the bytes they view', () => {
    const buffer = Buffer.from('hello world');
    expect(sha1Hex(buffer)).toBe(reference(buffer));
    const wide = new Uint8Array(new ArrayBuffer(32), 8, 11);
    wide.set(buffer);
    expect(sha1Hex(wide)).toBe(reference(buffer));
  });

  it('neither changes the input nor keeps it: the caller may overwrite it after update', () => {
    const data = pseudoRandomBytes(200, 7);
    const copy = data.slice();
    const h = new Sha1().update(data);
    expect(data).toEqual(copy);
    data.fill(0);
    expect(hex(h.digest())).toBe(reference(copy));
  });

  it('returns a fresh 20-byte digest on every call', () => {
    const first = sha1('abc');
    const second = sha1('abc');
    expect(first).toHaveLength(SHA1_DIGEST_BYTES);
    expect(first).not.toBe(second);
    second.fill(0);
    expect(hex(first)).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(hex(sha1('abc'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });

  it('keeps several incremental hashes independent when interleaved with one-shot calls', () => {
    const a = new Sha1();
    const b = new Sha1();
    a.update('ab');
    b.update(ascii('abcdbcdecdefdefgefgh'));
    expect(sha1Hex('unrelated')).toBe(reference(ascii('unrelated')));
    a.update('c');
    b.update('fghighijhijkijkljklmklmnlmnomnopnopq');
    expect(hex(a.digest())).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(hex(b.digest())).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
  });
});

describe('misuse', () => {
  const wrong: unknown[] = [
    undefined,
    null,
    42,
    true,
    {},
    [1, 2, 3],
    new Uint16Array(2),
    new Int8Array(2),
    new ArrayBuffer(4),
    new DataView(new ArrayBuffer(4)),
  ];

  it('sha1, sha1Hex and update throw TypeError for anything but a Uint8Array or string', () => {
    for (const value of wrong) {
      expect(() => sha1(value as Uint8Array)).toThrow(TypeError);
      expect(() => sha1Hex(value as Uint8Array)).toThrow(TypeError);
      expect(() => new Sha1().update(value as Uint8Array)).toThrow(TypeError);
    }
    expect(() => sha1(42 as unknown as string)).toThrow(
      'sha1: expected a Uint8Array or a string, got number',
    );
    expect(() => new Sha1().update(new Uint16Array(1) as unknown as Uint8Array)).toThrow(
      'Sha1.update: expected a Uint8Array or a string, got Uint16Array',
    );
  });

  it('a rejected update leaves the hash usable and unchanged', () => {
    const h = new Sha1().update('ab');
    expect(() => h.update(null as unknown as string)).toThrow(TypeError);
    expect(hex(h.update('c').digest())).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });

  it('update and digest after digest throw an Error that says why', () => {
    const h = new Sha1().update('abc');
    h.digest();
    expect(() => h.update('more')).toThrow('digest() was already called');
    expect(() => h.digest()).toThrow('digest() was already called');
  });

  it('update returns the same object for chaining', () => {
    const h = new Sha1();
    expect(h.update('a')).toBe(h);
  });
});
