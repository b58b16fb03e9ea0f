import { compact, formatMBps, formatRatio } from './format.js';
import type { RunReport } from './json-report.js';
import type { SectionOutcome } from './types.js';

/** report.md: what ran, on what, whether the checks held, and one chart per section. */
export function markdownReport(report: RunReport, chartFiles: ReadonlyMap<string, string>): string {
  const m = report.machine;
  const out: string[] = [
    '# @ws benchmark report',
    '',
    `Run ${report.startedAt} → ${report.finishedAt}${report.options.quick ? ' (quick smoke run: figures are rough)' : ''}; ${report.options.rounds} rounds per workload, about ${report.options.budgetMs} ms per candidate and round.`,
    '',
    `Machine: ${m.cpuModel}, ${m.cpuCount} cores, ${(m.totalMemoryBytes / 2 ** 30).toFixed(0)} GiB, ${m.platform}/${m.arch}; Node ${m.node} (V8 ${m.v8}). References: ${Object.entries(
      report.references,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
    `> Measured on ${m.cpuCount} cores that may be shared with other jobs: absolute rates move from run to run.`,
    '> Candidates run interleaved (A B C, B C A, …) and each figure is the median of the rounds, so the',
    '> **ratio ours/reference** is the number to read: above 1 means ours is faster.',
    '',
    `Result: **${report.ok ? 'all checks passed' : 'CHECKS FAILED'}**.`,
    '',
    '| section | status | checks | time |',
    '| --- | --- | --- | --- |',
    ...report.sections.map(
      (s) =>
        `| ${s.id} | ${s.status} | ${s.checks.filter((c) => c.ok).length}/${s.checks.length} | ${s.seconds.toFixed(1)} s |`,
    ),
    '',
  ];
  for (const section of report.sections)
    out.push(
      ...sectionMarkdown(
        section,
        [...chartFiles].filter(([key]) => key === section.id || key.startsWith(`${section.id}:`)),
      ),
    );
  return `${out.join('\n')}\n`;
}

const METRIC_LABELS: Record<string, string> = {
  framesPerSec: 'frames/s',
  p50Us: 'p50 µs',
  p99Us: 'p99 µs',
  serverCpuUsPerMsg: 'server CPU µs/msg',
  rssPerConnKiB: 'server RSS KiB/conn',
  rssOldPerConnKiB: 'server RSS without young gen KiB/conn',
  heapPerConnKiB: 'server JS heap KiB/conn',
  clientCpuUsPerMsg: 'client CPU µs/msg',
  clientCpuUsPerConnect: 'client CPU µs/connect',
  compressedRatio: 'compressed/original',
  deflateRssPerConnKiB: 'RSS KiB/conn',
  deflateExternalPerConnKiB: 'V8 external KiB/conn',
  deflateHeapPerConnKiB: 'JS heap KiB/conn',
  serverCpuUsPerHandshake: 'server CPU µs/handshake',
  bcastMs: 'delivery ms',
  bcastCpuUs: 'server CPU µs/broadcast',
  bcastCallUs: 'call µs',
  bcastBufKiB: 'buffers KiB/broadcast',
  bcastHeapKiB: 'JS heap KiB/broadcast',
  bcastGcs: 'GCs in the call',
};

function sectionMarkdown(section: SectionOutcome, charts: readonly [string, string][]): string[] {
  const out = [`## ${section.title} (\`${section.id}\`)`, ''];
  for (const note of section.notes) out.push(`- ${note.split('\n')[0]}`);
  for (const check of section.checks)
    out.push(
      `- ${check.ok ? '✅' : '❌'} ${check.name}${check.detail ? ` — ${check.detail}` : ''}`,
    );
  out.push('');
  for (const [key, file] of charts)
    out.push(
      `![${section.title}${key.includes(':') ? ` (${key.split(':')[1]})` : ''}](${file})`,
      '',
    );
  for (const w of section.workloads) {
    const metrics = [...new Set(w.candidates.flatMap((c) => Object.keys(c.medianMetrics)))];
    out.push(
      `**${w.title}**`,
      '',
      `| candidate | median rate | MB/s | ours/ref |${metrics.map((m) => ` ${METRIC_LABELS[m] ?? m} |`).join('')} rounds |`,
      `| --- | --- | --- | --- |${metrics.map(() => ' --- |').join('')} --- |`,
    );
    for (const c of w.candidates) {
      const r = w.ratios.find((x) => x.reference === c.name);
      const cells = [
        c.primary ? `**${c.name}**` : c.name,
        `${compact(c.medianOpsPerSec)} ${w.opName}/s`,
        formatMBps(c.medianMBps).replace(' MB/s', ''),
        r ? formatRatio(r.ratio) : c.primary ? '—' : '',
        ...metrics.map((m) =>
          c.medianMetrics[m] === undefined ? '' : compact(c.medianMetrics[m]!),
        ),
        `${c.rounds.length} × ${c.iterationsPerRound}`,
      ];
      out.push(`| ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  return out;
}
