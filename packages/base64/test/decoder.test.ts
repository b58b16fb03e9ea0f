import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Base64Error, type Base64ErrorKind, decode, decodePure, encodePure } from '../src/index.js';
import { ascii, hex, RFC4648_VECTORS, sequence } from './vectors.js';

const decoders = [
  ['decode', decode],
  ['decodePure', decodePure],
] as const;

const unpad = (text: string): string => text.replace(/=+$/, '');

/** [text, url mode, expected kind, expected offset] */
const MALFORMED: ReadonlyArray<readonly [string, boolean, Base64ErrorKind, number]> = [
  // RFC 4648 §3.3: characters outside the alphabet, whitespace included.
  ['Zm9v YmFy', false, 'invalid-character', 4],
  [' Zm9v', false, 'invalid-character', 0],
  ['Zm9v\n', false, 'invalid-character', 4],
  ['Zm9v\r\nYmFy', false, 'invalid-character', 4],
  ['Zm9\tv', false, 'invalid-character', 3],
  ['Zm9v-mFy', false, 'invalid-character', 4],
  ['Zm9v_mFy', false, 'invalid-character', 4],
  ['Zm9v+mFy', true, 'invalid-character', 4],
  ['Zm9v/mFy', true, 'invalid-character', 4],
  ['Zm9vYmF!', false, 'invalid-character', 7],
  ['Zm9vYmé=', false, 'invalid-character', 6],
  ['Zm9v\u0100mFy', false, 'invalid-character', 4],
  ['Zm9v\u{1f600}mF', false, 'invalid-character', 4],
  ['Zm9v\0mFy', false, 'invalid-character', 4],
  ['Zm9v.', true, 'invalid-character', 4],
  // §3.2 / §4: "=" only completes a final group of two or three characters.
  ['=', false, 'unexpected-padding', 0],
  ['====', false, 'unexpected-padding', 0],
  ['Z===', false, 'unexpected-padding', 1],
  ['Zm9v=Zm9', false, 'unexpected-padding', 4],
  ['Z=', true, 'unexpected-padding', 1],
  // §3.2: base64 requires padding; a lone "=" where "==" is needed is missing one.
  ['Zg', false, 'missing-padding', 2],
  ['Zm8', false, 'missing-padding', 3],
  ['Zg=', false, 'missing-padding', 3],
  ['Zg=', true, 'missing-padding', 3],
  ['Zg=A', false, 'missing-padding', 3],
  ['Zm9vYg=', false, 'missing-padding', 7],
  // §3.3: nothing after the padding.
  ['Zg==Zg==', false, 'data-after-padding', 4],
  ['Zm8=Zm9v', false, 'data-after-padding', 4],
  ['Zm8==', false, 'data-after-padding', 4],
  ['Zg===', true, 'data-after-padding', 4],
  ['Zg==\n', false, 'data-after-padding', 4],
  // §3.5: canonical encoding, the pad bits must be zero.
  ['Zh==', false, 'non-zero-trailing-bits', 1],
  ['Zm9=', false, 'non-zero-trailing-bits', 2],
  ['Zh', true, 'non-zero-trailing-bits', 1],
  ['Zm9', true, 'non-zero-trailing-bits', 2],
  ['Zm9vZh', false, 'non-zero-trailing-bits', 5],
  ['Zm9vZ/==', false, 'non-zero-trailing-bits', 5],
  ['Zm9vZ_', true, 'non-zero-trailing-bits', 5],
  // §4: one character cannot carry a byte.
  ['Z', false, 'incomplete-group', 0],
  ['Z', true, 'incomplete-group', 0],
  ['Zm9vY', false, 'incomplete-group', 4],
  ['Zm9vY', true, 'incomplete-group', 4],
];

function errorOf(run: () => unknown): Base64Error {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(Base64Error);
    return error as Base64Error;
  }
  throw new Error('expected a Base64Error');
}

describe.each(decoders)('%s', (_, dec) => {
  it('decodes the RFC 4648 §10 vectors', () => {
    for (const [output, input] of RFC4648_VECTORS) {
      expect(hex(dec(input))).toBe(hex(ascii(output)));
      expect(hex(dec(input.replaceAll('+', '-'), { url: true }))).toBe(hex(ascii(output)));
    }
  });

  it('takes base64url with or without padding (RFC 4648 §5), base64 only padded', () => {
    for (const [output, input] of RFC4648_VECTORS) {
      expect(hex(dec(unpad(input), { url: true }))).toBe(hex(ascii(output)));
      expect(hex(dec(input, { url: true }))).toBe(hex(ascii(output)));
    }
    expect(hex(dec('-_-_', { url: true }))).toBe(hex(Uint8Array.of(0xfb, 0xff, 0xbf)));
    expect(hex(dec('+/+/'))).toBe(hex(Uint8Array.of(0xfb, 0xff, 0xbf)));
  });

  it('returns a plain Uint8Array that owns its memory', () => {
    for (const length of [0, 5, 100, 5000, 100_000]) {
      const bytes = dec(Buffer.from(sequence(length)).toString('base64'));
      expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
      expect(bytes.byteOffset).toBe(0);
      expect(bytes.buffer.byteLength).toBe(length);
    }
  });

  it.each(MALFORMED)('rejects %j (url: %s) as %s at offset %i', (text, url, kind, offset) => {
    const error = errorOf(() => dec(text, { url }));
    expect(error).toBeInstanceOf(SyntaxError);
    expect(error.name).toBe('Base64Error');
    expect(error.kind).toBe(kind);
    expect(error.offset).toBe(offset);
    expect(error.message).toContain(`at offset ${offset}`);
  });

  it('reports the same errors in long texts that take the bulk and platform paths', () => {
    for (const [text, url, kind, offset] of MALFORMED) {
      const prefix = Buffer.from(sequence(6000)).toString(url ? 'base64url' : 'base64');
      const error = errorOf(() => dec(prefix + text, { url }));
      expect([error.kind, error.offset]).toEqual([kind, prefix.length + offset]);
    }
  });

  it('finds a bad character at every position of a valid text', () => {
    for (const length of [1, 2, 3, 10, 200, 600]) {
      const valid = encodePure(sequence(length, length));
      for (let i = 0; i < valid.length; i++) {
        for (const bad of [' ', '*', '\u00ff', '\u0100', '-']) {
          const error = errorOf(() => dec(valid.slice(0, i) + bad + valid.slice(i + 1)));
          expect(error.offset).toBeLessThanOrEqual(i);
          expect(error.offset).toBeGreaterThanOrEqual(i - 1);
        }
      }
    }
  });

  it('finds a bad character on either side of the bulk chunk boundaries', () => {
    const valid = encodePure(sequence(9999, 5));
    for (const i of [0, 511, 512, 4095, 4096, 4097, 8191, 8192, 8195, valid.length - 1]) {
      for (const bad of ['*', 'é', '\u{1f600}']) {
        const error = errorOf(() => dec(valid.slice(0, i) + bad + valid.slice(i + 1)));
        expect([error.kind, error.offset]).toEqual(['invalid-character', i]);
      }
    }
  });

  it('decides every prefix of a url text by its length and its last character', () => {
    const valid = encodePure(sequence(40, 3), { url: true });
    const values = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i <= valid.length; i++) {
      const prefix = valid.slice(0, i);
      const last = values.indexOf(valid[i - 1] ?? 'A');
      const spare = [0, 0, 0x0f, 0x03][i % 4]!;
      if (i % 4 === 1) {
        expect(errorOf(() => dec(prefix, { url: true })).offset).toBe(i - 1);
      } else if ((last & spare) !== 0) {
        expect(errorOf(() => dec(prefix, { url: true })).kind).toBe('non-zero-trailing-bits');
      } else {
        expect(encodePure(dec(prefix, { url: true }), { url: true })).toBe(prefix);
      }
    }
  });

  it('round-trips every length from 0 to 1024 in both alphabets, padded or not', () => {
    for (let length = 0; length <= 1024; length++) {
      const bytes = sequence(length, length + 11);
      expect(hex(dec(encodePure(bytes)))).toBe(hex(bytes));
      expect(hex(dec(encodePure(bytes, { url: true }), { url: true }))).toBe(hex(bytes));
      expect(hex(dec(encodePure(bytes, { url: true, pad: true }), { url: true }))).toBe(hex(bytes));
    }
  });

  it('round-trips random data', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4000 }), fc.boolean(), (bytes, url) => {
        expect(hex(dec(encodePure(bytes, { url }), { url }))).toBe(hex(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('matches Buffer on valid input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4000 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64');
        expect(hex(dec(text))).toBe(hex(new Uint8Array(Buffer.from(text, 'base64'))));
        const url = Buffer.from(bytes).toString('base64url');
        expect(hex(dec(url, { url: true }))).toBe(
          hex(new Uint8Array(Buffer.from(url, 'base64url'))),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('accepts exactly the canonical encodings, whatever the text', () => {
    const chars = [...'AQgwZf09+/-_=', ' ', '\n', 'é', '\u0100'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...chars), { maxLength: 24 }).map((a) => a.join('')),
        fc.boolean(),
        (text, url) => {
          let bytes: Uint8Array;
          try {
            bytes = dec(text, { url });
          } catch (error) {
            expect(error).toBeInstanceOf(Base64Error);
            const { offset } = error as Base64Error;
            expect(offset).toBeGreaterThanOrEqual(0);
            expect(offset).toBeLessThanOrEqual(text.length);
            return;
          }
          const canonical = encodePure(bytes, { url, pad: true });
          expect(url ? [canonical, unpad(canonical)] : [canonical]).toContain(text);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('throws TypeError for anything but a string', () => {
    for (const bad of [42, null, undefined, ['Zg=='], ascii('Zg=='), { toString: () => 'Zg==' }]) {
      expect(() => dec(bad as unknown as string)).toThrow(TypeError);
    }
    expect(() => dec(42 as unknown as string)).toThrow(/expects a string, got number/);
  });
});
