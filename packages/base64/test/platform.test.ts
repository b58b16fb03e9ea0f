import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Base64Error, decode, decodePure, encodePure } from '../src/index.js';
import {
  decodeBuffer,
  decodeNative,
  encodeBuffer,
  encodeNative,
  hasBuffer,
  hasNativeBase64,
} from '../src/platform.js';
import { hex, sequence } from './vectors.js';

type Encoder = (bytes: Uint8Array, url: boolean, pad: boolean) => string;
type Decoder = (text: string, url: boolean) => Uint8Array | undefined;

const pureEncode: Encoder = (bytes, url, pad) => encodePure(bytes, { url, pad });

/** The pure decoder in the platform decoders' shape: undefined where it throws. */
function pureDecode(text: string, url: boolean): Uint8Array | undefined {
  try {
    return decodePure(text, { url });
  } catch (error) {
    expect(error).toBeInstanceOf(Base64Error);
    return undefined;
  }
}

// Every platform path this runtime has (Node 20: Buffer; Node ≥ 25: Buffer and native).
const paths: Array<[string, Encoder, Decoder]> = [];
if (hasBuffer) paths.push(['Buffer', encodeBuffer, decodeBuffer]);
if (hasNativeBase64) paths.push(['toBase64/fromBase64', encodeNative, decodeNative]);

const sameResult = (a: Uint8Array | undefined, b: Uint8Array | undefined): void => {
  expect(a === undefined ? 'rejected' : hex(a)).toBe(b === undefined ? 'rejected' : hex(b));
};

const corruptions = ['', ' ', '\n', '=', '==', '-', '_', '+', '/', 'A', 'é', '\u0100', '\t'];

it('detects the platform encoders this runtime has', () => {
  const proto = Uint8Array.prototype as { toBase64?: unknown };
  // A toBase64 that ignores a view's byteOffset (Node 24 with --js-base-64) is left unused.
  const sound =
    typeof proto.toBase64 === 'function' &&
    (Buffer.from('xfoobar').subarray(1) as unknown as { toBase64(): string }).toBase64() ===
      'Zm9vYmFy';
  expect(hasNativeBase64).toBe(sound);
  expect(hasBuffer).toBe(typeof globalThis.Buffer === 'function');
  expect(paths.length).toBeGreaterThan(0);
});

describe.each(paths)('%s path', (_, platformEncode, platformDecode) => {
  it('encodes like the pure encoder for every length 0–1024 and option', () => {
    for (let length = 0; length <= 1024; length++) {
      const bytes = sequence(length, length + 5);
      for (const url of [false, true]) {
        for (const pad of [false, true]) {
          expect(platformEncode(bytes, url, pad)).toBe(pureEncode(bytes, url, pad));
        }
      }
    }
  });

  it('encodes views at their own offset', () => {
    const view = sequence(5000).subarray(7, 4001);
    expect(platformEncode(view, false, true)).toBe(pureEncode(view, false, true));
  });

  it('decodes like the pure decoder for every length 0–1024, padded or not', () => {
    for (let length = 0; length <= 1024; length++) {
      const bytes = sequence(length, length + 9);
      for (const url of [false, true]) {
        for (const pad of [false, true]) {
          const text = pureEncode(bytes, url, pad);
          sameResult(platformDecode(text, url), pureDecode(text, url));
          sameResult(platformDecode(text, !url), pureDecode(text, !url));
        }
      }
    }
  });

  it('accepts and rejects exactly what the pure decoder does, on random text', () => {
    const chars = [...'AQgwZf09+/-_=', ' ', '\n', '\r', '\f', '\t', 'é', '\u0100'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...chars), { maxLength: 24 }).map((a) => a.join('')),
        fc.boolean(),
        (text, url) => sameResult(platformDecode(text, url), pureDecode(text, url)),
      ),
      { numRuns: 3000 },
    );
  });

  it('accepts and rejects exactly what the pure decoder does, on damaged encodings', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.boolean(),
        fc.boolean(),
        fc.nat(),
        fc.nat({ max: 3 }),
        fc.constantFrom(...corruptions),
        (bytes, url, pad, at, cut, insert) => {
          const valid = pureEncode(bytes, url, pad);
          const i = at % (valid.length + 1);
          const text = valid.slice(0, i) + insert + valid.slice(Math.min(valid.length, i + cut));
          sameResult(platformDecode(text, url), pureDecode(text, url));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('returns plain Uint8Arrays that own their memory, small or large', () => {
    for (const length of [1, 100, 3000, 5000, 70_000]) {
      const bytes = platformDecode(pureEncode(sequence(length), false, true), false)!;
      expect(Object.getPrototypeOf(bytes)).toBe(Uint8Array.prototype);
      expect([bytes.byteOffset, bytes.buffer.byteLength]).toEqual([0, length]);
    }
  });

  it('rejects whitespace anywhere, even in whole groups of four', () => {
    const text = pureEncode(sequence(30), false, true);
    for (let i = 0; i <= text.length; i++) {
      for (const ws of [' ', '    ', '\n\n\n\n', '\t\r\f ']) {
        expect(platformDecode(text.slice(0, i) + ws + text.slice(i), false)).toBeUndefined();
      }
    }
  });
});

describe('Buffer path: the checks that make its lenient decoder strict', () => {
  const STANDARD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const inEither = (c: string): boolean => STANDARD.includes(c) || c === '-' || c === '_';
  const big = sequence(3000, 17);

  /** Every kind of character strict decoding rejects, and what Node's decoder makes of it. */
  const INVALID: ReadonlyArray<readonly [string, string]> = [
    ['whitespace', ' '],
    ['line feed', '\n'],
    ['carriage return', '\r'],
    ['tab', '\t'],
    ['form feed', '\f'],
    ['NUL', '\0'],
    ['ASCII punctuation', '*'],
    ['dot', '.'],
    ['"=" in the middle', '='],
    ['Latin-1 letter', 'é'],
    ['Latin-1 0xFF', '\u00ff'],
    ['U+0100 (low byte NUL)', '\u0100'],
    ['U+0141 (low byte "A")', '\u0141'],
    ['U+012B (low byte "+")', '\u012b'],
    ['U+012D (low byte "-")', '\u012d'],
    ['U+013D (low byte "=")', '\u013d'],
    ['U+FF41 (low byte "A")', '\uff41'],
    ['emoji (surrogate pair)', '\u{1f600}'],
    ['lone surrogate', '\ud841'],
  ];

  function errorOrBytes(run: () => Uint8Array): string {
    try {
      return hex(run());
    } catch (error) {
      expect(error).toBeInstanceOf(Base64Error);
      const { kind, offset } = error as Base64Error;
      return `${kind}@${offset}`;
    }
  }

  it('relies on Node skipping every character outside both alphabets (shorter output)', () => {
    for (const url of [false, true]) {
      for (const pad of [false, true]) {
        const valid = encodePure(big, { url, pad });
        const padding = valid.length - valid.replace(/=+$/, '').length;
        for (let code = 0; code < 0x100; code++) {
          const c = String.fromCharCode(code);
          if (inEither(c)) continue;
          for (const i of [0, 1, 2, 3, 2001, valid.length - padding - 1]) {
            const text = valid.slice(0, i) + c + valid.slice(i + 1);
            expect(Buffer.from(text, 'base64').length).toBeLessThan(big.length);
          }
        }
      }
    }
  });

  it('needs its extra checks: Node reads the other alphabet and the low byte of U+0100 and up', () => {
    expect(hex(Buffer.from('-_-_', 'base64'))).toBe(hex(Buffer.from('+/+/', 'base64')));
    expect(hex(Buffer.from('\u0141\u0141\u0141\u0141', 'base64'))).toBe('000000');
    expect(hex(Buffer.from('Zh==', 'base64'))).toBe('66');
  });

  it.each(INVALID)(
    'rejects %s at the start, middle and end of a large text like the pure decoder',
    (_, c) => {
      for (const url of [false, true]) {
        for (const pad of [false, true]) {
          const valid = encodePure(big, { url, pad });
          const n = valid.length;
          for (const i of [0, 1, 2, 3, 2001, 2002, n - 4, n - 3, n - 2, n - 1, n]) {
            for (const text of [
              valid.slice(0, i) + c + valid.slice(i + 1),
              valid.slice(0, i) + c + valid.slice(i),
            ]) {
              const expected = errorOrBytes(() => decodePure(text, { url }));
              expect(expected).toMatch(/@/);
              expect(decodeBuffer(text, url)).toBeUndefined();
              expect(errorOrBytes(() => decode(text, { url }))).toBe(expected);
            }
          }
        }
      }
    },
  );

  it('rejects the other alphabet at the start, middle and end of a large text', () => {
    for (const url of [false, true]) {
      const valid = encodePure(big, { url });
      const n = valid.length;
      for (const c of url ? ['+', '/'] : ['-', '_']) {
        for (const i of [0, 1, 2001, n - 2, n - 1]) {
          const text = valid.slice(0, i) + c + valid.slice(i + 1);
          expect(decodeBuffer(text, url)).toBeUndefined();
          expect(errorOrBytes(() => decode(text, { url }))).toBe(`invalid-character@${i}`);
        }
      }
    }
  });

  it('rejects a large text whose last character has non-zero unused bits, padded or not', () => {
    for (const length of [3001, 3002]) {
      for (const url of [false, true]) {
        for (const pad of url ? [false, true] : [true]) {
          const valid = encodePure(sequence(length, 3), { url, pad });
          const last = valid.replace(/=+$/, '').length - 1;
          for (const c of ['B', 'P', 'f', '9']) {
            const text = valid.slice(0, last) + c + valid.slice(last + 1);
            const expected = errorOrBytes(() => decodePure(text, { url }));
            expect(decodeBuffer(text, url) === undefined).toBe(expected.includes('@'));
            expect(errorOrBytes(() => decode(text, { url }))).toBe(expected);
          }
        }
      }
    }
  });

  it('rejects wrong lengths and misplaced padding in large texts', () => {
    const valid = encodePure(sequence(3001, 5));
    const body = valid.replace(/=+$/, '');
    const cases = [
      [body, false],
      [`${body}=`, false],
      [`${body}===`, false],
      [`${body}A`, true],
      [`${body}==A`, true],
      [`${body}==`.slice(1), false],
      [`=${valid.slice(1)}`, false],
      [`${valid}====`, false],
    ] as const;
    for (const [text, url] of cases) {
      const expected = errorOrBytes(() => decodePure(text, { url }));
      expect(expected).toMatch(/@/);
      expect(decodeBuffer(text, url)).toBeUndefined();
      expect(errorOrBytes(() => decode(text, { url }))).toBe(expected);
    }
  });

  it('accepts every valid large text it is given, padded or not', () => {
    for (let length = 3000; length < 3012; length++) {
      const bytes = sequence(length, length);
      for (const url of [false, true]) {
        for (const pad of url ? [false, true] : [true]) {
          const result = decodeBuffer(encodePure(bytes, { url, pad }), url);
          expect(result === undefined ? 'rejected' : hex(result)).toBe(hex(bytes));
        }
      }
    }
  });
});
