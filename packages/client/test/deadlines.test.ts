import { describe, expect, it } from 'vitest';
import { cancel, heldDeadlines, schedule } from '../src/deadlines.js';
import { until } from './helpers.js';

describe('deadlines', () => {
  it('fire in order, once, and not when cancelled', async () => {
    const fired: string[] = [];
    schedule(30, () => fired.push('a'));
    const b = schedule(30, () => fired.push('b'));
    schedule(10, () => fired.push('short'));
    schedule(30, () => fired.push('c'));
    cancel(b);
    cancel(b);
    await until(() => fired.length === 3, 'the deadlines');
    expect(fired).toEqual(['short', 'a', 'c']);
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(fired).toHaveLength(3);
  });

  it('a throwing callback does not stop the others; a callback may cancel another', async () => {
    const fired: string[] = [];
    let later: ReturnType<typeof schedule> | undefined;
    schedule(15, () => {
      throw new Error('boom');
    });
    schedule(15, () => {
      fired.push('second');
      cancel(later);
    });
    later = schedule(15, () => fired.push('cancelled from a callback'));
    schedule(15, () => fired.push('fourth'));
    await until(() => fired.length >= 2, 'the deadlines');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toEqual(['second', 'fourth']);
  });

  it('cancelled entries do not pile up (settled handshakes are not kept until their deadline)', () => {
    const before = heldDeadlines();
    let peak = 0;
    for (let i = 0; i < 20_000; i++) {
      cancel(schedule(600_000, () => {}));
      peak = Math.max(peak, heldDeadlines() - before);
    }
    expect(peak).toBeLessThanOrEqual(128);
    // A long-lived entry among them stays.
    let fired = false;
    const keep = schedule(600_000, () => {
      fired = true;
    });
    for (let i = 0; i < 1000; i++) cancel(schedule(600_000, () => {}));
    expect(keep.onExpire).not.toBeNull();
    cancel(keep);
    expect(fired).toBe(false);
  });
});
