import { describe, expect, it } from 'vitest';
import { FULL, parseOptions, QUICK } from '../src/harness/options.js';

const known = ['sha1', 'base64', 'frame-decode'];

describe('parseOptions', () => {
  it('defaults to the full run', () => {
    expect(parseOptions([], known)).toEqual({ quick: false, ...FULL, only: [] });
  });

  it('reads --quick, --only (repeated or comma-separated, = or space) and --rounds', () => {
    expect(
      parseOptions(
        ['--quick', '--only', 'sha1,base64', '--only=frame-decode', '--rounds', '4'],
        known,
      ),
    ).toEqual({
      quick: true,
      rounds: 4,
      budgetMs: QUICK.budgetMs,
      only: ['sha1', 'base64', 'frame-decode'],
    });
    expect(parseOptions(['--budget-ms=10'], known).budgetMs).toBe(10);
  });

  it('rejects unknown sections, bad numbers and unknown flags', () => {
    expect(() => parseOptions(['--only', 'nope'], known)).toThrow(/one of sha1, base64/);
    expect(() => parseOptions(['--rounds', '0'], known)).toThrow(RangeError);
    expect(() => parseOptions(['--rounds'], known)).toThrow(RangeError);
    expect(() => parseOptions(['--fast'], known)).toThrow(/unknown argument/);
  });
});
