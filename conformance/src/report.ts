/** report.json and report.md: ours beside ws, per group and per case. */
import { mkdir, writeFile } from 'node:fs/promises';
import { GROUPS, type Verdict } from './cases/types.js';
import type { PairingResult } from './interop/types.js';
import type { CaseResult } from './runner.js';
import type { TargetReport } from './suite.js';

export const VERDICTS: readonly Verdict[] = ['OK', 'NON-STRICT', 'FAILED'];

export type Counts = Record<Verdict, number>;

export function count(results: readonly CaseResult[]): Counts {
  const counts: Counts = { OK: 0, 'NON-STRICT': 0, FAILED: 0 };
  for (const result of results) counts[result.verdict]++;
  return counts;
}

const key = (result: CaseResult) => `${result.mode}/${result.id}`;

function cell(counts: Counts): string {
  return `${counts.OK} / ${counts['NON-STRICT']} / ${counts.FAILED}`;
}

function cellText(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function markdown(
  reports: readonly TargetReport[],
  generatedAt: string,
  interop: readonly PairingResult[] = [],
): string {
  const lines: string[] = [];
  lines.push('# RFC 6455 conformance report', '');
  lines.push(
    `Generated ${generatedAt}. Verdicts: OK = what the RFC requires; NON-STRICT = acceptable`,
  );
  lines.push(
    'but not the strict reading; FAILED = wrong. "server" cases drive the target\'s server from a',
  );
  lines.push('raw TCP client, "client" cases drive its client from a scripted raw server.', '');
  for (const report of reports) {
    if (report.unavailable) lines.push(`- **${report.label}**: not run — ${report.unavailable}`);
  }
  lines.push('', '## Summary (OK / NON-STRICT / FAILED)', '');
  lines.push(`| group | side | ${reports.map((r) => r.label).join(' | ')} |`);
  lines.push(`| --- | --- | ${reports.map(() => '---').join(' | ')} |`);
  for (const group of GROUPS) {
    for (const mode of ['server', 'client'] as const) {
      const row = reports.map((r) => r.results.filter((x) => x.group === group && x.mode === mode));
      if (row.every((results) => results.length === 0)) continue;
      lines.push(
        `| ${group} | ${mode} | ${row.map((results) => (results.length === 0 ? '—' : cell(count(results)))).join(' | ')} |`,
      );
    }
  }
  lines.push(
    `| **all** | | ${reports.map((r) => `**${cell(count(r.results))}**`).join(' | ')} |`,
    '',
  );

  const failures = reports.flatMap((r) => r.results.filter((x) => x.verdict === 'FAILED'));
  lines.push('## FAILED', '');
  if (failures.length === 0) lines.push('None.', '');
  for (const failure of failures) {
    lines.push(
      `- **${failure.target}** \`${key(failure)}\` — ${cellText(failure.title)}: ${cellText(failure.note)}`,
    );
  }
  if (interop.length > 0) {
    lines.push('', '## Interop with peers nobody here wrote', '');
    lines.push('| pairing | peer version | result | checks | detail |');
    lines.push('| --- | --- | --- | --- | --- |');
    for (const pairing of interop) {
      const passed = pairing.checks.filter((check) => check.ok).length;
      lines.push(
        `| ${pairing.title} | ${pairing.runtime ?? '—'} | ${pairing.status.toUpperCase()} | ${passed}/${pairing.checks.length} | ${cellText(pairing.reason ?? '').slice(0, 200)} |`,
      );
    }
  }
  lines.push('', '## Every case', '');
  lines.push(`| case | ${reports.map((r) => r.label).join(' | ')} |`);
  lines.push(`| --- | ${reports.map(() => '---').join(' | ')} |`);
  const ids = new Map<string, string>();
  for (const report of reports)
    for (const result of report.results) ids.set(key(result), result.title);
  for (const [id, title] of ids) {
    const cells = reports.map((r) => {
      const result = r.results.find((x) => key(x) === id);
      if (result === undefined) return '—';
      return `${result.verdict}${result.note ? ` — ${cellText(result.note).slice(0, 160)}` : ''}`;
    });
    lines.push(`| \`${id}\` ${cellText(title)} | ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

export async function writeReports(
  dir: string,
  reports: readonly TargetReport[],
  interop: readonly PairingResult[] = [],
): Promise<void> {
  const generatedAt = new Date().toISOString();
  await mkdir(dir, { recursive: true });
  const json = {
    generatedAt,
    targets: reports.map((report) => ({
      ...report,
      counts: count(report.results),
      groups: Object.fromEntries(
        GROUPS.map((group) => [group, count(report.results.filter((x) => x.group === group))]),
      ),
    })),
    interop,
  };
  await writeFile(`${dir}/report.json`, `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(`${dir}/report.md`, markdown(reports, generatedAt, interop));
}
