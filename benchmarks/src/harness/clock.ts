/** Monotonic seconds, high resolution. */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/**
 * Seconds of CPU time of the whole process (`process.cpuUsage()`, user + system; V8's GC and
 * compiler threads included), microsecond resolution. The micro-benchmarks time their rounds
 * with it: the issues state their rates per CPU-second, and on this 2-core machine shared with
 * other jobs wall time also counts the moments the benchmark was not running at all (stop 12:
 * wall-clock rounds of 32–128 B frame creation swung 3× at load average 4–8).
 */
export function cpuNow(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

/** Collects garbage when node runs with --expose-gc, so one candidate's garbage is not billed to the next. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Results land here so the optimiser cannot drop the work that produced them. */
export const sink: { value: unknown } = { value: undefined };
