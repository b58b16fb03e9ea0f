import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { burstSizes, jsonLikePayload } from '../src/payloads.js';

describe('jsonLikePayload', () => {
  it('has exactly the asked size, for sizes around record boundaries', () => {
    for (const size of [0, 1, 2, 100, 1023, 1024, 16 * 1024, 256 * 1024])
      expect(jsonLikePayload(size, 1)).toHaveLength(size);
  });

  it('is the same for a seed and differs between seeds', () => {
    expect(jsonLikePayload(4096, 9)).toEqual(jsonLikePayload(4096, 9));
    expect(jsonLikePayload(4096, 9)).not.toEqual(jsonLikePayload(4096, 10));
  });

  it('is a prefix of a JSON array of records (parses once closed at a record end)', () => {
    const text = new TextDecoder().decode(jsonLikePayload(5000, 3));
    const lastRecord = text.lastIndexOf('},{');
    const records = JSON.parse(`${text.slice(0, lastRecord + 1)}]`) as { id: number }[];
    expect(records.length).toBeGreaterThan(10);
    expect(records.map((r) => r.id)).toEqual(records.map((_, i) => i));
  });

  it('rejects a size that is not a non-negative integer', () => {
    expect(() => jsonLikePayload(-1, 1)).toThrow(RangeError);
    expect(() => jsonLikePayload(1.5, 1)).toThrow(RangeError);
  });
});

describe('burstSizes', () => {
  it('adds up to the total in bursts of at most `burst`, only the last one shorter', () => {
    fc.assert(
      fc.property(fc.nat(5000), fc.integer({ min: 1, max: 64 }), (total, burst) => {
        const sizes = burstSizes(total, burst);
        expect(sizes.reduce((a, b) => a + b, 0)).toBe(total);
        expect(sizes.slice(0, -1).every((s) => s === burst)).toBe(true);
        if (sizes.length > 0) expect(sizes.at(-1)!).toBeGreaterThan(0);
        expect(sizes.length).toBe(Math.ceil(total / burst));
      }),
    );
  });

  it('rejects a burst below 1 and a negative total', () => {
    expect(() => burstSizes(10, 0)).toThrow(RangeError);
    expect(() => burstSizes(-1, 4)).toThrow(RangeError);
  });
});
