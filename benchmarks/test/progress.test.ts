import { describe, expect, it } from 'vitest';
import { Progress } from '../src/harness/progress.js';

describe('Progress', () => {
  it('redraws one status line in place on a TTY and clears it before a report line', () => {
    const out: string[] = [];
    const progress = new Progress({ write: (t: string) => out.push(t) }, true);
    progress.status('round 1/7');
    progress.status('round 2/7');
    progress.log('result line');
    expect(out[0]).toBe('\r\x1b[K… round 1/7');
    expect(out[1]).toBe('\r\x1b[K… round 2/7');
    expect(out[2]).toBe('\r\x1b[K');
    expect(out[3]).toBe('result line\n');
  });

  it('prints plain, throttled status lines when not a TTY', () => {
    const out: string[] = [];
    const progress = new Progress({ write: (t: string) => out.push(t) }, false, 60_000);
    progress.status('calibrating');
    progress.status('round 1/7');
    progress.log('result line');
    expect(out).toEqual(['  … calibrating\n', 'result line\n']);
    expect(out.join('')).not.toContain('\r');
  });
});
