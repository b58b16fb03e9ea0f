import type { CandidateResult, WorkloadResult } from './types.js';

/** 12345678 → '12.35M', 0.5 → '0.500'. */
export function compact(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${(value / 1e9).toFixed(2)}G`;
  if (abs >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (abs >= 1e3) return `${(value / 1e3).toFixed(2)}k`;
  if (abs >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

export function formatRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}x` : 'n/a';
}

export function formatMBps(value: number | undefined): string {
  return value === undefined ? '' : `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} MB/s`;
}

/**
 * The seed's line shape: `label> N iteration in Ts | 1x avg: A | H Hz`. N and T add up all
 * rounds; A and H come from the median round (A = 1 / H).
 */
export function lemLine(title: string, opName: string, result: CandidateResult): string {
  const hz = result.medianOpsPerSec;
  const avg = 1 / hz;
  return `${title}> ${result.totalOps} ${opName} in ${result.totalSeconds.toFixed(8)}s | 1x avg: ${avg.toFixed(8)} | ${hz.toFixed(6)} Hz`;
}

/** The seed's line for the primary candidate, then one indented line per other candidate. */
export function workloadLines(workload: WorkloadResult): string[] {
  const lines: string[] = [];
  const primary = workload.candidates.find((c) => c.primary) ?? workload.candidates[0];
  if (primary === undefined) return lines;
  const mb = formatMBps(primary.medianMBps);
  lines.push(
    `${lemLine(workload.title, workload.opName, primary)}${mb ? ` | ${mb}` : ''} [${primary.name}]`,
  );
  for (const candidate of workload.candidates) {
    if (candidate === primary) continue;
    const ratio = workload.ratios.find((r) => r.reference === candidate.name);
    const parts = [
      `    ${candidate.role === 'ours' ? 'ours:' : 'vs'} ${candidate.name}:`,
      `${compact(candidate.medianOpsPerSec)} Hz`,
      formatMBps(candidate.medianMBps),
      ratio === undefined ? '' : `| ours/ref ${formatRatio(ratio.ratio)}`,
    ];
    lines.push(parts.filter(Boolean).join(' '));
  }
  return lines;
}
