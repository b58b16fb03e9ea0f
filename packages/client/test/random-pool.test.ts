import { describe, expect, it } from 'vitest';
import { fillRandom } from '../src/random-pool.js';

describe('fillRandom', () => {
  it('hands out fresh bytes across pool refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const key = new Uint8Array(16);
      fillRandom(key);
      seen.add(Buffer.from(key).toString('hex'));
    }
    expect(seen.size).toBe(1000);
  });

  it('fills any length up to the pool size, and the bytes look uniform', () => {
    const big = new Uint8Array(4096);
    fillRandom(new Uint8Array(7));
    fillRandom(big);
    const counts = new Array(256).fill(0);
    for (const byte of big) counts[byte]++;
    // 4096 bytes over 256 values: 16 each on average; all zero would mean nothing was filled.
    expect(Math.max(...counts)).toBeLessThan(48);
    expect(counts.filter((c) => c === 0).length).toBeLessThan(8);
  });
});
