import { cpuNow, sink } from './clock.js';
import type { Candidate, Role, Sample } from './types.js';

type Loop = (
  op: () => unknown,
  iterations: number,
  clock: () => number,
  out: typeof sink,
) => number;

/**
 * A fresh copy of the timing loop for every candidate, so each loop's call site sees one `op`
 * and no candidate's type feedback lands in another's loop. Measured on Node 20 with the 32-byte
 * frame workloads, a shared loop gave the same rates within noise (12.9 vs 12.8 M/s): this is a
 * guard for other engines and workloads, not a measured win.
 */
function freshLoop(): Loop {
  return new Function(
    'op',
    'iterations',
    'clock',
    'out',
    `let result;
     const start = clock();
     for (let i = 0; i < iterations; i++) result = op();
     const seconds = clock() - start;
     out.value = result;
     return seconds;`,
  ) as Loop;
}

/** A candidate that calls `op` once per operation, timed in CPU seconds; its result is kept alive in a sink. */
export function opCandidate(name: string, role: Role, op: () => unknown): Candidate {
  const loop = freshLoop();
  return {
    name,
    role,
    run(iterations: number): Sample {
      return { ops: iterations, seconds: loop(op, iterations, cpuNow, sink) };
    },
  };
}

/** Calibration stops growing the iteration count once a trial takes this long. */
const MIN_TRIAL_SECONDS = 0.01;
/** Full-length trials repeat (up to this many) until one lands within 0.5–2× the budget. */
const MAX_CONFIRMING_TRIALS = 3;

/**
 * Iterations per round so that one round takes about `budgetMs`. Counts grow until a trial
 * lasts 10 ms; then full-length trials re-estimate the count until one lands within 0.5–2× the
 * budget, because short trials often include JIT compilation or a GC pause (seen in quick runs:
 * a 32-byte frame workload calibrated to 1.7 ms rounds instead of 40 ms). The trials also warm
 * the candidate up before any round is recorded.
 */
export async function calibrate(candidate: Candidate, budgetMs: number): Promise<number> {
  const budget = budgetMs / 1000;
  const fill = (iterations: number, seconds: number) =>
    Math.max(1, Math.round((budget * iterations) / Math.max(seconds, 1e-9)));
  let iterations = 1;
  for (;;) {
    const sample = await candidate.run(iterations);
    if (sample.seconds >= MIN_TRIAL_SECONDS || iterations >= 1e9) {
      let full = fill(iterations, sample.seconds);
      for (let trial = 0; trial < MAX_CONFIRMING_TRIALS; trial++) {
        const confirm = await candidate.run(full);
        const next = fill(full, confirm.seconds);
        const settled = confirm.seconds >= budget / 2 && confirm.seconds <= budget * 2;
        full = next;
        if (settled) break;
      }
      return full;
    }
    const grow = sample.seconds > 0 ? (MIN_TRIAL_SECONDS * 1.5) / sample.seconds : 100;
    iterations = Math.ceil(iterations * Math.min(100, Math.max(2, grow)));
  }
}
