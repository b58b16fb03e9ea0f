import { compact, formatMBps, formatRatio } from './format.js';
import type { SectionOutcome } from './types.js';

function pad(cells: string[][]): string[] {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/** The compact end-of-run table: one row per workload, ours vs each reference. */
export function summaryTable(outcomes: readonly SectionOutcome[]): string[] {
  const rows: string[][] = [['workload', 'ours', 'rate', 'ours/ref (per reference)']];
  for (const outcome of outcomes) {
    for (const w of outcome.workloads) {
      const ours = w.candidates.find((c) => c.primary);
      const rateOf = (c: (typeof w.candidates)[number]) =>
        c.medianMBps !== undefined && (w.bytesPerOp ?? 1e9) >= 1024
          ? formatMBps(c.medianMBps)
          : `${compact(c.medianOpsPerSec)} Hz`;
      if (ours === undefined) {
        rows.push([
          w.title,
          '(none yet)',
          '',
          w.candidates.map((c) => `${c.name} ${rateOf(c)}`).join(', '),
        ]);
        continue;
      }
      rows.push([
        w.title,
        ours.name,
        rateOf(ours),
        w.ratios.map((r) => `${r.reference} ${formatRatio(r.ratio)}`).join(', '),
      ]);
    }
  }
  const lines = pad(rows);
  lines.splice(1, 0, '-'.repeat(Math.min(120, Math.max(...lines.map((l) => l.length)))));
  lines.push('');
  const idWidth = Math.max(13, ...outcomes.map((o) => o.id.length));
  for (const outcome of outcomes) {
    const failed = outcome.checks.filter((c) => !c.ok).length;
    lines.push(
      `${outcome.id.padEnd(idWidth)} ${outcome.status.padEnd(11)} ${outcome.checks.length - failed}/${outcome.checks.length} checks ok, ${outcome.seconds.toFixed(1)} s${outcome.notes.length ? ` — ${outcome.notes[0]!.split('\n')[0]}` : ''}`,
    );
  }
  return lines;
}
