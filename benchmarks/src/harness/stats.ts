import type { Sample } from './types.js';

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Nearest-rank percentile, p in [0, 100]. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of no values');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile expects p in [0, 100], got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** ours / reference: > 1 means ours is faster. NaN when either side has no finite positive rate. */
export function ratio(oursPerSecond: number, referencePerSecond: number): number {
  if (!(oursPerSecond > 0) || !(referencePerSecond > 0)) return Number.NaN;
  if (!Number.isFinite(oursPerSecond) || !Number.isFinite(referencePerSecond)) return Number.NaN;
  return oursPerSecond / referencePerSecond;
}

export function opsPerSecond(sample: Sample): number {
  return sample.seconds > 0 ? sample.ops / sample.seconds : Number.POSITIVE_INFINITY;
}

/** Megabytes (10^6 bytes) per second. */
export function megabytesPerSecond(sample: Sample, bytesPerOp?: number): number | undefined {
  const bytes = sample.bytes ?? (bytesPerOp === undefined ? undefined : bytesPerOp * sample.ops);
  if (bytes === undefined) return undefined;
  return sample.seconds > 0 ? bytes / sample.seconds / 1e6 : Number.POSITIVE_INFINITY;
}

/** Medians of every metric name that appears in the samples. */
export function medianMetrics(samples: readonly Sample[]): Record<string, number> {
  const names = new Set<string>();
  for (const sample of samples)
    for (const name of Object.keys(sample.metrics ?? {})) names.add(name);
  const out: Record<string, number> = {};
  for (const name of names) {
    const values = samples
      .map((sample) => sample.metrics?.[name])
      .filter((value): value is number => value !== undefined);
    out[name] = median(values);
  }
  return out;
}
