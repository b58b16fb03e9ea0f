import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encode, encodePure } from '../src/index.js';
import { ascii, RFC4648_VECTORS, sequence } from './vectors.js';

const encoders = [
  ['encode', encode],
  ['encodePure', encodePure],
] as const;

const toUrl = (text: string): string => text.replaceAll('+', '-').replaceAll('/', '_');
const unpad = (text: string): string => text.replace(/=+$/, '');

describe.each(encoders)('%s', (_, enc) => {
  it('gives the RFC 4648 §10 vectors', () => {
    for (const [input, output] of RFC4648_VECTORS) {
      expect(enc(ascii(input))).toBe(output);
      expect(enc(ascii(input), { pad: true })).toBe(output);
      expect(enc(ascii(input), { pad: false })).toBe(unpad(output));
    }
  });

  it('gives the §10 vectors in base64url, unpadded unless asked', () => {
    for (const [input, output] of RFC4648_VECTORS) {
      expect(enc(ascii(input), { url: true })).toBe(unpad(output));
      expect(enc(ascii(input), { url: true, pad: true })).toBe(output);
      expect(enc(ascii(input), { url: true, pad: false })).toBe(unpad(output));
    }
  });

  it('uses "+/" for base64 and "-_" for base64url (RFC 4648 §4, §5)', () => {
    const bytes = Uint8Array.of(0xfb, 0xff, 0xbf);
    expect(enc(bytes)).toBe('+/+/');
    expect(enc(bytes, { url: true })).toBe('-_-_');
  });

  it('matches Buffer for every length from 0 to 1024, every option', () => {
    for (let length = 0; length <= 1024; length++) {
      const bytes = sequence(length, length + 1);
      const expected = Buffer.from(bytes).toString('base64');
      expect(enc(bytes)).toBe(expected);
      expect(enc(bytes, { pad: false })).toBe(unpad(expected));
      expect(enc(bytes, { url: true })).toBe(Buffer.from(bytes).toString('base64url'));
      expect(enc(bytes, { url: true, pad: true })).toBe(toUrl(expected));
    }
  });

  it('matches Buffer on random data and sizes across the size thresholds', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 3000 }),
        fc.boolean(),
        fc.option(fc.boolean(), { nil: undefined }),
        (bytes, url, pad) => {
          let expected = Buffer.from(bytes).toString('base64');
          if (url) expected = toUrl(expected);
          if (!(pad ?? !url)) expected = unpad(expected);
          expect(enc(bytes, { url, pad })).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('encodes a view at its own offset, not the whole buffer', () => {
    const backing = sequence(700, 7);
    for (const [start, end] of [
      [1, 4],
      [3, 300],
      [5, 699],
    ] as const) {
      const view = backing.subarray(start, end);
      expect(enc(view)).toBe(Buffer.from(backing.slice(start, end)).toString('base64'));
    }
  });

  it('matches Buffer at every byte offset around the bulk chunk sizes', () => {
    const lengths = [
      255, 256, 257, 3071, 3072, 3073, 3083, 12287, 12288, 12289, 12300, 24577, 100_000,
    ];
    for (const length of lengths) {
      const backing = sequence(length + 3, length);
      for (let offset = 0; offset <= 3; offset++) {
        const view = backing.subarray(offset, offset + length);
        const expected = Buffer.from(view).toString('base64');
        expect(enc(view)).toBe(expected);
        expect(enc(view, { url: true })).toBe(Buffer.from(view).toString('base64url'));
        expect(enc(view, { pad: false })).toBe(unpad(expected));
      }
    }
  });

  it('accepts a Buffer and a Uint8Array from another realm-like constructor check', () => {
    expect(enc(Buffer.from('foobar'))).toBe('Zm9vYmFy');
  });

  it('throws TypeError for anything but a Uint8Array', () => {
    for (const bad of [
      'foo',
      42,
      null,
      undefined,
      [1, 2],
      new Uint16Array(2),
      new ArrayBuffer(3),
    ]) {
      expect(() => enc(bad as unknown as Uint8Array)).toThrow(TypeError);
    }
    expect(() => enc('x' as unknown as Uint8Array)).toThrow(/expects a Uint8Array, got string/);
  });
});
