import { now } from './clock.js';
import { workloadLines } from './format.js';
import { ratios, runInterleaved } from './interleave.js';
import type { Progress } from './progress.js';
import type {
  CheckResult,
  RunOptions,
  Section,
  SectionContext,
  SectionOutcome,
  WorkloadResult,
  WorkloadSpec,
} from './types.js';

/**
 * Runs one section and says how it went. A failed check makes it 'failed'; a throw makes it
 * 'error'; a section that only reported missing parts is 'unavailable'. Speed never fails it.
 */
export async function runSection(
  section: Section,
  options: RunOptions,
  progress: Progress,
): Promise<SectionOutcome> {
  const checks: CheckResult[] = [];
  const workloads: WorkloadResult[] = [];
  const notes: string[] = [];
  let unavailableCount = 0;
  const started = now();

  const check = (name: string, ok: boolean, detail?: string): boolean => {
    checks.push({ section: section.id, name, ok, ...(detail === undefined ? {} : { detail }) });
    if (!ok) progress.log(`!!! check failed: ${name}${detail ? ` — ${detail}` : ''}`);
    return ok;
  };

  const ctx: SectionContext = {
    options,
    log: (line) => progress.log(line),
    status: (text) => progress.status(`${section.id}: ${text}`),
    check,
    failedChecks: () => checks.filter((c) => !c.ok).length,
    verify(name, body) {
      try {
        const problem = body();
        return check(name, problem === undefined, problem ?? undefined);
      } catch (error) {
        return check(name, false, error instanceof Error ? error.message : String(error));
      }
    },
    unavailable(what, reason) {
      unavailableCount++;
      const note = `${what}: not available yet (${reason})`;
      notes.push(note);
      progress.log(note);
    },
    async bench(spec: WorkloadSpec): Promise<WorkloadResult> {
      const candidates = await runInterleaved(spec, options, {
        onCalibrate: (candidate) =>
          progress.status(`${section.id}: ${spec.title} — calibrating ${candidate.name}`),
        onRound: (candidate, round, rounds) =>
          progress.status(
            `${section.id}: ${spec.title} — round ${round}/${rounds} ${candidate.name}`,
          ),
      });
      for (const candidate of spec.candidates) await candidate.dispose?.();
      const result: WorkloadResult = {
        section: section.id,
        id: spec.id,
        title: spec.title,
        opName: spec.opName ?? 'iteration',
        ...(spec.bytesPerOp === undefined ? {} : { bytesPerOp: spec.bytesPerOp }),
        candidates,
        ratios: ratios(candidates),
      };
      workloads.push(result);
      for (const line of workloadLines(result)) progress.log(line);
      return result;
    },
  };

  let status: SectionOutcome['status'];
  try {
    await section.run(ctx);
    if (checks.some((c) => !c.ok)) status = 'failed';
    else if (unavailableCount > 0 && workloads.length === 0 && checks.length === 0)
      status = 'unavailable';
    else status = 'ok';
  } catch (error) {
    status = 'error';
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    notes.push(`crashed: ${message}`);
    progress.log(`!!! ${section.id} crashed: ${message}`);
  }
  return {
    id: section.id,
    title: section.title,
    status,
    notes,
    checks,
    workloads,
    seconds: now() - started,
  };
}

/** The process exit code for a run: 1 when any section failed a check or crashed. */
export function exitCodeFor(outcomes: readonly SectionOutcome[]): number {
  return outcomes.some((o) => o.status === 'failed' || o.status === 'error') ? 1 : 0;
}
