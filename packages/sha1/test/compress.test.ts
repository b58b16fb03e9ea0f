import { describe, expect, it } from 'vitest';
import { compress } from '../src/compress.js';

const IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
const words = (state: Int32Array) => Array.from(state, (w) => w >>> 0);

/** "abc" padded to one block (FIPS 180-4 §5.1.1). */
function abcBlock(): Uint8Array {
  const block = new Uint8Array(64);
  block.set([0x61, 0x62, 0x63, 0x80]);
  block[63] = 24;
  return block;
}
// NIST SHA1.pdf example: H(1) for the one-block message "abc".
const ABC_H1 = [0xa9993e36, 0x4706816a, 0xba3e2571, 0x7850c26c, 0x9cd0d89d];

describe('compress (FIPS 180-4 §6.1.2)', () => {
  it('turns H(0) and the padded "abc" block into the published H(1)', () => {
    const state = Int32Array.from(IV);
    compress(state, abcBlock(), 0, 64);
    expect(words(state)).toEqual(ABC_H1);
  });

  it('reads the block at the given offset and nothing outside [offset, end)', () => {
    const buffer = new Uint8Array(64 + 192).fill(0xff);
    buffer.set(abcBlock(), 100);
    const state = Int32Array.from(IV);
    compress(state, buffer, 100, 164);
    expect(words(state)).toEqual(ABC_H1);
  });

  it('leaves the state alone for an empty range', () => {
    const state = Int32Array.from(IV);
    compress(state, new Uint8Array(64), 0, 0);
    expect(words(state)).toEqual(IV);
  });

  it('processes several blocks in one call like one call per block', () => {
    const data = Uint8Array.from({ length: 256 }, (_, i) => (i * 37) & 0xff);
    const together = Int32Array.from(IV);
    compress(together, data, 0, 256);
    const apart = Int32Array.from(IV);
    for (let o = 0; o < 256; o += 64) compress(apart, data, o, o + 64);
    expect(words(together)).toEqual(words(apart));
    expect(words(together)).not.toEqual(IV);
  });
});
