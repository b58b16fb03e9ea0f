import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  median,
  medianMetrics,
  megabytesPerSecond,
  opsPerSecond,
  percentile,
  ratio,
} from '../src/harness/stats.js';

describe('median', () => {
  it('takes the middle of an odd count and the mean of the two middles of an even one', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('does not reorder its input', () => {
    const values = [5, 1, 4];
    median(values);
    expect(values).toEqual([5, 1, 4]);
  });

  it('throws a RangeError on no values', () => {
    expect(() => median([])).toThrow(RangeError);
  });

  it('lies between min and max and has as many values at or below it as at or above it', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, min: -1e9, max: 1e9 }), { minLength: 1, maxLength: 50 }),
        (values) => {
          const m = median(values);
          expect(m).toBeGreaterThanOrEqual(Math.min(...values));
          expect(m).toBeLessThanOrEqual(Math.max(...values));
          expect(values.filter((v) => v <= m).length * 2).toBeGreaterThanOrEqual(values.length);
          expect(values.filter((v) => v >= m).length * 2).toBeGreaterThanOrEqual(values.length);
        },
      ),
    );
  });
});

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
    expect(() => percentile(values, 101)).toThrow(RangeError);
  });
});

describe('ratio', () => {
  it('is ours / reference, > 1 when ours is faster', () => {
    expect(ratio(200, 100)).toBe(2);
    expect(ratio(50, 100)).toBe(0.5);
  });

  it('is NaN when a side has no usable rate', () => {
    expect(ratio(0, 100)).toBeNaN();
    expect(ratio(100, 0)).toBeNaN();
    expect(ratio(Number.POSITIVE_INFINITY, 1)).toBeNaN();
    expect(ratio(Number.NaN, 1)).toBeNaN();
  });
});

describe('rates', () => {
  it('derives ops/s and MB/s from a sample', () => {
    expect(opsPerSecond({ ops: 10, seconds: 2 })).toBe(5);
    expect(megabytesPerSecond({ ops: 10, seconds: 2 }, 1e6)).toBe(5);
    expect(megabytesPerSecond({ ops: 1, seconds: 0.5, bytes: 3e6 })).toBe(6);
    expect(megabytesPerSecond({ ops: 1, seconds: 0.5 })).toBeUndefined();
  });

  it('takes the median of every named metric', () => {
    expect(
      medianMetrics([
        { ops: 1, seconds: 1, metrics: { p50: 3, cpu: 1 } },
        { ops: 1, seconds: 1, metrics: { p50: 1 } },
        { ops: 1, seconds: 1, metrics: { p50: 2, cpu: 5 } },
      ]),
    ).toEqual({ p50: 2, cpu: 3 });
  });
});
