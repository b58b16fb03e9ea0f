import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Base64Error, decodePure, encodePure } from '../src/index.js';
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
