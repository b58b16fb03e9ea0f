import { collectGarbage } from './clock.js';
import { median, medianMetrics, megabytesPerSecond, opsPerSecond, ratio } from './stats.js';
import { calibrate } from './timing.js';
import type {
  Candidate,
  CandidateResult,
  Ratio,
  RunOptions,
  Sample,
  WorkloadSpec,
} from './types.js';

export interface InterleaveHooks {
  /** Told before each measured round: which candidate, round number (1-based) and the total. */
  onRound?(candidate: Candidate, round: number, rounds: number): void;
  /** Told before a candidate is calibrated (or warmed up, for a fixed iteration count). */
  onCalibrate?(candidate: Candidate): void;
}

/**
 * Round r runs every candidate once, starting at candidate r mod n (A B C, B C A, C A B …):
 * a slow phase of a noisy machine is shared by all sides, and no candidate always runs first
 * (right after a GC) or last.
 */
export function roundOrder<T>(items: readonly T[], round: number): T[] {
  const start = items.length === 0 ? 0 : round % items.length;
  return [...items.slice(start), ...items.slice(0, start)];
}

export async function runInterleaved(
  spec: WorkloadSpec,
  options: Pick<RunOptions, 'rounds' | 'budgetMs'>,
  hooks: InterleaveHooks = {},
): Promise<CandidateResult[]> {
  const iterations = new Map<Candidate, number>();
  for (const candidate of spec.candidates) {
    hooks.onCalibrate?.(candidate);
    if (spec.fixedIterations === undefined) {
      iterations.set(candidate, await calibrate(candidate, options.budgetMs));
    } else {
      // Calibration doubles as warm-up; a fixed count gets one untimed round instead, so the
      // first recorded round is not the one that runs through the JIT tiers.
      if (spec.warmUp !== false) await candidate.run(spec.fixedIterations);
      iterations.set(candidate, spec.fixedIterations);
    }
  }
  const samples = new Map<Candidate, Sample[]>(spec.candidates.map((c) => [c, []]));
  const rounds = spec.rounds ?? options.rounds;
  for (let round = 0; round < rounds; round++) {
    for (const candidate of roundOrder(spec.candidates, round)) {
      hooks.onRound?.(candidate, round + 1, rounds);
      collectGarbage();
      samples.get(candidate)!.push(await candidate.run(iterations.get(candidate)!));
    }
  }
  const primary = primaryCandidate(spec.candidates);
  return spec.candidates.map((candidate) =>
    summarise(
      candidate,
      candidate === primary,
      iterations.get(candidate)!,
      samples.get(candidate)!,
      spec.bytesPerOp,
    ),
  );
}

export function primaryCandidate(candidates: readonly Candidate[]): Candidate | undefined {
  return candidates.find((candidate) => candidate.role === 'ours');
}

export function summarise(
  candidate: Pick<Candidate, 'name' | 'role'>,
  primary: boolean,
  iterationsPerRound: number,
  rounds: Sample[],
  bytesPerOp?: number,
): CandidateResult {
  const mbps = rounds
    .map((sample) => megabytesPerSecond(sample, bytesPerOp))
    .filter((value): value is number => value !== undefined);
  return {
    name: candidate.name,
    role: candidate.role,
    primary,
    iterationsPerRound,
    rounds,
    totalOps: rounds.reduce((sum, sample) => sum + sample.ops, 0),
    totalSeconds: rounds.reduce((sum, sample) => sum + sample.seconds, 0),
    medianOpsPerSec: median(rounds.map(opsPerSecond)),
    ...(mbps.length > 0 ? { medianMBps: median(mbps) } : {}),
    medianMetrics: medianMetrics(rounds),
  };
}

/** The primary 'ours' candidate against every reference. */
export function ratios(results: readonly CandidateResult[]): Ratio[] {
  const ours = results.find((result) => result.primary);
  if (ours === undefined) return [];
  return results
    .filter((result) => result.role === 'reference')
    .map((reference) => ({
      ours: ours.name,
      reference: reference.name,
      ratio: ratio(ours.medianOpsPerSec, reference.medianOpsPerSec),
    }));
}
