/** Monotonic seconds, high resolution. */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/** Collects garbage when node runs with --expose-gc, so one candidate's garbage is not billed to the next. */
export function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Results land here so the optimiser cannot drop the work that produced them. */
export const sink: { value: unknown } = { value: undefined };
