import { describe, expect, it } from 'vitest';
import { summarise } from '../src/harness/interleave.js';
import { jsonReport, machineInfo, type RunReport } from '../src/harness/json-report.js';
import { markdownReport } from '../src/harness/markdown-report.js';
import { summaryTable } from '../src/harness/table.js';
import type { SectionOutcome } from '../src/harness/types.js';

const ours = summarise({ name: 'ours', role: 'ours' }, true, 10, [
  { ops: 10, seconds: 1, metrics: { p50Us: 5 } },
  { ops: 10, seconds: 2, metrics: { p50Us: Number.NaN } },
]);
const ref = summarise({ name: 'ref', role: 'reference' }, false, 10, [{ ops: 10, seconds: 4 }]);
const section: SectionOutcome = {
  id: 'demo',
  title: 'demo part',
  status: 'failed',
  notes: ['@ws/x: not available yet (missing)'],
  checks: [
    { section: 'demo', name: 'holds', ok: true },
    { section: 'demo', name: 'breaks', ok: false, detail: 'wrong at 64' },
  ],
  workloads: [
    {
      section: 'demo',
      id: 'w',
      title: 'demo 32b',
      opName: 'iteration',
      candidates: [ours, ref],
      ratios: [{ ours: 'ours', reference: 'ref', ratio: 3 }],
    },
  ],
  seconds: 1.5,
};
const report: RunReport = {
  schema: 1,
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:01:00.000Z',
  options: { quick: true, rounds: 2, budgetMs: 40 },
  machine: machineInfo(),
  references: { ws: '8.0.0' },
  ok: false,
  sections: [section],
};

describe('reports', () => {
  it('latest.json keeps every round and medians, and stays valid JSON with NaN metrics', () => {
    const parsed = JSON.parse(jsonReport(report));
    expect(parsed.machine.node).toBe(process.version);
    expect(parsed.machine.cpuCount).toBeGreaterThan(0);
    const [w] = parsed.sections[0].workloads;
    expect(w.candidates[0].rounds).toHaveLength(2);
    expect(w.candidates[0].medianOpsPerSec).toBeCloseTo(7.5);
    expect(w.candidates[0].rounds[1].metrics.p50Us).toBe('NaN');
    expect(w.ratios[0].ratio).toBe(3);
  });

  it('report.md shows the checks, the notes, the chart and a table per workload', () => {
    const md = markdownReport(
      report,
      new Map([
        ['demo', 'demo.svg'],
        ['demo:cpu', 'demo-cpu.svg'],
      ]),
    );
    expect(md).toContain('**CHECKS FAILED**');
    expect(md).toContain('- ❌ breaks — wrong at 64');
    expect(md).toContain('- ✅ holds');
    expect(md).toContain('not available yet');
    expect(md).toContain('![demo part](demo.svg)');
    expect(md).toContain('![demo part (cpu)](demo-cpu.svg)');
    expect(md).toMatch(/\| ref \| 2\.50 iteration\/s \| {2}\| 3\.00x \|/);
  });

  it('the summary table has a row per workload with every ratio, and a status per section', () => {
    const lines = summaryTable([section]);
    expect(lines.some((l) => l.startsWith('demo 32b') && l.includes('ref 3.00x'))).toBe(true);
    expect(
      lines.some(
        (l) => l.startsWith('demo') && l.includes('failed') && l.includes('1/2 checks ok'),
      ),
    ).toBe(true);
  });
});
