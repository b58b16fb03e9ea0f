import { describe, expect, it } from 'vitest';
import { ratios, roundOrder, runInterleaved, summarise } from '../src/harness/interleave.js';
import { calibrate, opCandidate } from '../src/harness/timing.js';
import type { Candidate, Sample } from '../src/harness/types.js';

/** A candidate on a simulated clock: `secondsPerOp` per operation, every call logged. */
function simulated(
  name: string,
  role: Candidate['role'],
  secondsPerOp: number,
  log: string[],
): Candidate {
  return {
    name,
    role,
    run(iterations: number): Sample {
      log.push(`${name}:${iterations}`);
      return { ops: iterations, seconds: iterations * secondsPerOp };
    },
  };
}

describe('roundOrder', () => {
  it('rotates the starting candidate every round', () => {
    expect(roundOrder(['A', 'B', 'C'], 0)).toEqual(['A', 'B', 'C']);
    expect(roundOrder(['A', 'B', 'C'], 1)).toEqual(['B', 'C', 'A']);
    expect(roundOrder(['A', 'B', 'C'], 5)).toEqual(['C', 'A', 'B']);
    expect(roundOrder([], 3)).toEqual([]);
  });
});

describe('calibrate', () => {
  it('picks the iteration count that fills the budget', async () => {
    const log: string[] = [];
    expect(await calibrate(simulated('A', 'ours', 1e-6, log), 100)).toBe(100_000);
    expect(log.length).toBeGreaterThan(1);
  });

  it('re-estimates when the trial that reached 10 ms included a one-off pause', async () => {
    let paused = false;
    const candidate: Candidate = {
      name: 'jit',
      role: 'ours',
      run(iterations) {
        const pause = !paused && iterations >= 100 ? 0.02 : 0;
        if (pause > 0) paused = true;
        return { ops: iterations, seconds: iterations * 1e-7 + pause };
      },
    };
    expect(await calibrate(candidate, 40)).toBe(400_000);
  });
});

describe('runInterleaved', () => {
  it('interleaves the candidates round by round and keeps every round', async () => {
    const log: string[] = [];
    const results = await runInterleaved(
      {
        id: 'w',
        title: 'w',
        fixedIterations: 5,
        bytesPerOp: 1e6,
        candidates: [
          simulated('ours', 'ours', 0.001, log),
          simulated('ref', 'reference', 0.002, log),
        ],
      },
      { rounds: 3, budgetMs: 1 },
    );
    // one untimed warm-up each, then A B, B A, A B
    expect(log).toEqual([
      'ours:5',
      'ref:5',
      'ours:5',
      'ref:5',
      'ref:5',
      'ours:5',
      'ours:5',
      'ref:5',
    ]);
    const [ours, ref] = results;
    expect(ours!.rounds).toHaveLength(3);
    expect(ours!.primary).toBe(true);
    expect(ref!.primary).toBe(false);
    expect(ours!.medianOpsPerSec).toBeCloseTo(1000);
    expect(ref!.medianMBps).toBeCloseTo(500);
    expect(ours!.totalOps).toBe(15);
    expect(ratios(results)).toEqual([{ ours: 'ours', reference: 'ref', ratio: expect.closeTo(2) }]);
  });

  it('lets a workload ask for its own number of rounds', async () => {
    const log: string[] = [];
    const [only] = await runInterleaved(
      {
        id: 'w',
        title: 'w',
        fixedIterations: 1,
        rounds: 2,
        candidates: [simulated('A', 'ours', 0.001, log)],
      },
      { rounds: 9, budgetMs: 1 },
    );
    expect(only!.rounds).toHaveLength(2);
    expect(log).toHaveLength(3);
  });

  it('skips the untimed warm-up round when a workload says so', async () => {
    const log: string[] = [];
    await runInterleaved(
      {
        id: 'w',
        title: 'w',
        fixedIterations: 3,
        warmUp: false,
        rounds: 2,
        candidates: [simulated('A', 'ours', 0.001, log), simulated('B', 'reference', 0.001, log)],
      },
      { rounds: 9, budgetMs: 1 },
    );
    expect(log).toEqual(['A:3', 'B:3', 'B:3', 'A:3']);
  });

  it('runs an operation candidate exactly the asked number of times', async () => {
    let calls = 0;
    const sample = await opCandidate('x', 'ours', () => calls++).run(1234);
    expect(calls).toBe(1234);
    expect(sample.ops).toBe(1234);
    expect(sample.seconds).toBeGreaterThanOrEqual(0);
  });
});

describe('ratios', () => {
  it('compares the primary ours with every reference, not ours variants', () => {
    const mk = (name: string, role: 'ours' | 'reference', primary: boolean, rate: number) =>
      summarise({ name, role }, primary, 1, [{ ops: rate, seconds: 1 }]);
    const result = ratios([
      mk('ours', 'ours', true, 300),
      mk('ours pure', 'ours', false, 100),
      mk('a', 'reference', false, 100),
      mk('b', 'reference', false, 600),
    ]);
    expect(result).toEqual([
      { ours: 'ours', reference: 'a', ratio: 3 },
      { ours: 'ours', reference: 'b', ratio: 0.5 },
    ]);
    expect(ratios([mk('a', 'reference', false, 1)])).toEqual([]);
  });
});
