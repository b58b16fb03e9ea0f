import { describe, expect, it } from 'vitest';
import { cancelClose, scheduleClose } from '../src/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the shared close timer', () => {
  it('fires a short timeout scheduled after a longer one, and not a cancelled one', async () => {
    const fired: string[] = [];
    const long = scheduleClose(5000, () => fired.push('long'));
    const cancelled = scheduleClose(10, () => fired.push('cancelled'));
    cancelClose(cancelled);
    scheduleClose(20, () => fired.push('short'));
    scheduleClose(20, () => fired.push('short 2'));
    await sleep(80);
    expect(fired).toEqual(['short', 'short 2']);
    cancelClose(long);
  });

  it('keeps firing later entries after an expiry, and survives a throwing handler', async () => {
    const fired: number[] = [];
    scheduleClose(5, () => {
      fired.push(1);
      throw new Error('handler bug');
    });
    scheduleClose(30, () => fired.push(2));
    await sleep(100);
    expect(fired).toEqual([1, 2]);
  });
});
