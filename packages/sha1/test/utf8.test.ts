import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sha1, sha1Hex } from '../src/index.js';
import { CHUNK_UNITS, SHORT_STRING_UNITS } from '../src/utf8.js';

const encoder = new TextEncoder();
/** The reference: TextEncoder's UTF-8 (lone surrogates become U+FFFD) hashed by node:crypto. */
const reference = (text: string) => createHash('sha1').update(encoder.encode(text)).digest('hex');
const hashPieces = (pieces: readonly string[]) => {
  const h = new Sha1();
  for (const piece of pieces) h.update(piece);
  return Buffer.from(h.digest()).toString('hex');
};

/**
 * Strings of UTF-16 code units: any single unit (so lone and reversed surrogates occur, which
 * `unit: 'binary'` never produces) mixed with whole code points (so valid pairs occur too).
 */
const utf16 = (maxLength: number) =>
  fc.string({
    unit: fc.oneof(
      fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
      fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff'),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    ),
    maxLength,
  });

const SAMPLES: ReadonlyArray<readonly [string, string]> = [
  ['ASCII', 'The quick brown fox jumps over the lazy dog'],
  ['two-byte sequences', 'café ñandú ß Ωμέγα'],
  ['three-byte sequences', '日本語のテキスト €'],
  ['astral characters (surrogate pairs)', '𝄞 music, 😀 emoji, 𠜎 CJK-B'],
  ['boundaries of each sequence length', '\u007f\u0080\u07ff\u0800\uffff\u{10000}\u{10ffff}'],
  ['NUL and controls', '\u0000\u0001\n\t'],
  ['lone high surrogate at the end', 'abc\ud800'],
  ['lone low surrogate at the start', '\udc00abc'],
  ['lone high surrogate before a letter', 'a\ud83dz'],
  ['reversed pair (low then high)', '\ude00\ud83d'],
  ['two high surrogates then a low', '\ud83d\ud83d\ude00'],
  ['U+FFFD itself', '\ufffd'],
];

describe('strings are hashed as their UTF-8 encoding (TextEncoder behaviour)', () => {
  for (const [name, text] of SAMPLES) {
    it(name, () => {
      expect(sha1Hex(text)).toBe(reference(text));
      expect(hashPieces([text])).toBe(reference(text));
    });
  }

  it('multi-byte characters that straddle every block boundary', () => {
    for (const char of ['é', '€', '😀', '\ud800']) {
      for (let pad = 0; pad < 70; pad++) {
        const text = 'x'.repeat(pad) + char.repeat(40);
        expect(sha1Hex(text), `${pad} + ${char}`).toBe(reference(text));
        expect(hashPieces([text]), `${pad} + ${char}`).toBe(reference(text));
      }
    }
  });

  it('random UTF-16 strings, lone surrogates included', () => {
    fc.assert(
      fc.property(utf16(300), (text) => {
        expect(sha1Hex(text)).toBe(reference(text));
      }),
      { numRuns: 500 },
    );
  });

  it('random strings split at every point: each update is encoded on its own, like TextEncoder', () => {
    fc.assert(
      fc.property(utf16(80), (text) => {
        for (let k = 0; k <= text.length; k++) {
          const pieces = [text.slice(0, k), text.slice(k)];
          const expected = createHash('sha1')
            .update(encoder.encode(pieces[0]))
            .update(encoder.encode(pieces[1]))
            .digest('hex');
          expect(hashPieces(pieces)).toBe(expected);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('strings around the short/long threshold, ending in every kind of character', () => {
    for (let n = SHORT_STRING_UNITS - 4; n <= SHORT_STRING_UNITS + 4; n++) {
      for (const last of ['z', 'é', '€', '😀', '\ud800', '\udc00']) {
        const text = 'k'.repeat(n - last.length) + last;
        expect(sha1Hex(text), `${n} units ending in ${JSON.stringify(last)}`).toBe(reference(text));
      }
    }
  });

  it('long strings: a pair, a lone surrogate or a multi-byte character at each chunk boundary', () => {
    const tail = 'b'.repeat(CHUNK_UNITS + 10);
    for (const boundary of [CHUNK_UNITS, 2 * CHUNK_UNITS]) {
      for (let at = boundary - 3; at <= boundary + 2; at++) {
        for (const piece of ['😀', '\ud83d\ud83d\ude00', '\ud800', '\udc00', '€', 'é']) {
          const text = 'a'.repeat(at) + piece + tail;
          const name = `${JSON.stringify(piece)} at ${at}`;
          expect(sha1Hex(text), name).toBe(reference(text));
          expect(hashPieces(['x', text]), name).toBe(reference(`x${text}`));
        }
      }
    }
  });

  it('random long strings, whole and as a few updates', () => {
    fc.assert(
      fc.property(
        utf16(40),
        fc.integer({ min: 0, max: 3 * CHUNK_UNITS }),
        fc.nat({ max: 3 * CHUNK_UNITS }),
        (seed, repeat, cut) => {
          const text = seed.repeat(Math.ceil(repeat / Math.max(1, seed.length)));
          expect(sha1Hex(text)).toBe(reference(text));
          const k = Math.min(cut, text.length);
          const expected = createHash('sha1')
            .update(encoder.encode(text.slice(0, k)))
            .update(encoder.encode(text.slice(k)))
            .digest('hex');
          expect(hashPieces([text.slice(0, k), text.slice(k)])).toBe(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('a surrogate pair split across two updates is two replacement characters', () => {
    expect(hashPieces(['\ud83d', '\ude00'])).toBe(reference('\ufffd\ufffd'));
    expect(hashPieces(['\ud83d\ude00'])).toBe(reference('😀'));
  });

  it('strings and bytes mix in one incremental hash', () => {
    const h = new Sha1().update('héllo ').update(encoder.encode('wörld ')).update('😀');
    expect(Buffer.from(h.digest()).toString('hex')).toBe(reference('héllo wörld 😀'));
  });
});
