import { describe, expect, it } from 'vitest';
import { wordsToHex } from '../src/hex.js';

describe('wordsToHex', () => {
  it('writes each word big-endian as 8 lowercase hex digits, zeros kept', () => {
    const state = Int32Array.from([0x00000000, 0x0000000f, 0x7fffffff, 0x80000000, 0xdeadbeef]);
    expect(wordsToHex(state)).toBe('000000000000000f7fffffff80000000deadbeef');
  });
});
