import { describe, expect, it } from 'vitest';
import { absorbBytes, BLOCK_BYTES } from '../src/absorb.js';
import { compress } from '../src/compress.js';

const IV = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
const data = Uint8Array.from({ length: 300 }, (_, i) => (i * 131 + 7) & 0xff);

/** The state after compressing the whole blocks of `bytes` in one call. */
function expectedState(bytes: Uint8Array): number[] {
  const state = Int32Array.from(IV);
  compress(state, bytes, 0, bytes.length - (bytes.length % BLOCK_BYTES));
  return Array.from(state);
}

describe('absorbBytes', () => {
  it('compresses whole blocks, keeps the tail in the block buffer, returns the new length', () => {
    for (let cut = 0; cut <= data.length; cut += 7) {
      const state = Int32Array.from(IV);
      const block = new Uint8Array(BLOCK_BYTES + 4);
      let length = absorbBytes(state, block, 0, data.subarray(0, cut));
      length = absorbBytes(state, block, length, data.subarray(cut));
      expect(length).toBe(data.length);
      expect(Array.from(state), `cut at ${cut}`).toEqual(expectedState(data));
      const tail = data.length % BLOCK_BYTES;
      expect(block.subarray(0, tail)).toEqual(data.subarray(data.length - tail));
    }
  });

  it('does not touch the block buffer when the input is whole blocks on a block boundary', () => {
    const state = Int32Array.from(IV);
    const block = new Uint8Array(BLOCK_BYTES + 4).fill(0xee);
    expect(absorbBytes(state, block, 128, data.subarray(0, 256))).toBe(384);
    expect(block.every((b) => b === 0xee)).toBe(true);
    expect(Array.from(state)).toEqual(expectedState(data.subarray(0, 256)));
  });

  it('only fills the buffer while the pending block stays partial', () => {
    const state = Int32Array.from(IV);
    const block = new Uint8Array(BLOCK_BYTES + 4);
    expect(absorbBytes(state, block, 0, data.subarray(0, 10))).toBe(10);
    expect(absorbBytes(state, block, 10, data.subarray(10, 63))).toBe(63);
    expect(Array.from(state)).toEqual(IV.map((w) => w | 0));
    expect(block.subarray(0, 63)).toEqual(data.subarray(0, 63));
  });
});
