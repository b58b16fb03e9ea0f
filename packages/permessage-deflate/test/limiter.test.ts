import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CONCURRENCY,
  Limiter,
  setConcurrencyLimit,
  sharedLimiter,
} from '../src/limiter.js';

describe('Limiter', () => {
  it('never runs more jobs at once than its limit, and runs them all in order', async () => {
    const limiter = new Limiter(3);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const jobs = Array.from({ length: 20 }, (_, i) =>
      limiter.run(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 1));
        running--;
        return i;
      }),
    );
    expect(limiter.active).toBe(3);
    expect(limiter.pending).toBe(17);
    expect(await Promise.all(jobs)).toEqual(started);
    expect(peak).toBe(3);
    expect(limiter.active).toBe(0);
  });

  it('releases the slot of a job that throws or rejects', async () => {
    const limiter = new Limiter(1);
    await expect(
      limiter.run(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(limiter.run(() => Promise.reject(new Error('async')))).rejects.toThrow('async');
    expect(await limiter.run(async () => 'ok')).toBe('ok');
  });

  it('raising the limit starts waiting jobs', async () => {
    const limiter = new Limiter(1);
    let release!: () => void;
    const first = limiter.run(() => new Promise<void>((resolve) => (release = resolve)));
    const second = limiter.run(async () => 'second');
    expect(limiter.pending).toBe(1);
    limiter.limit = 2;
    expect(await second).toBe('second');
    release();
    await first;
  });

  it('the process-wide limiter defaults to 10 and validates its limit', () => {
    expect(sharedLimiter().limit).toBe(DEFAULT_CONCURRENCY);
    setConcurrencyLimit(4);
    expect(sharedLimiter().limit).toBe(4);
    setConcurrencyLimit(DEFAULT_CONCURRENCY);
    expect(() => setConcurrencyLimit(0)).toThrow(RangeError);
    expect(() => new Limiter(1.5)).toThrow(/positive integer/);
  });
});
