import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jsonReport, type RunReport } from './json-report.js';
import { markdownReport } from './markdown-report.js';
import { barChartSvg, type ChartMetric } from './svg.js';

/** Per-workload metrics that get a chart of their own (costs: shorter bars are better). */
export const METRIC_CHARTS: readonly { suffix: string; title: string; metric: ChartMetric }[] = [
  {
    suffix: 'cpu',
    title: 'server CPU per message',
    metric: { key: 'serverCpuUsPerMsg', unit: 'µs CPU/msg', lowerIsBetter: true },
  },
  {
    suffix: 'memory',
    title: 'server RSS per idle connection',
    metric: { key: 'rssPerConnKiB', unit: 'KiB RSS/conn', lowerIsBetter: true },
  },
  {
    suffix: 'memory-old',
    title: "server RSS per idle connection, without V8's young generation",
    metric: { key: 'rssOldPerConnKiB', unit: 'KiB RSS/conn', lowerIsBetter: true },
  },
  {
    suffix: 'heap',
    title: 'server JS heap per idle connection',
    metric: { key: 'heapPerConnKiB', unit: 'KiB JS heap/conn', lowerIsBetter: true },
  },
  {
    suffix: 'client-cpu',
    title: 'client CPU per message',
    metric: { key: 'clientCpuUsPerMsg', unit: 'µs CPU/msg', lowerIsBetter: true },
  },
  {
    suffix: 'connect-cpu',
    title: 'client CPU per connect',
    metric: { key: 'clientCpuUsPerConnect', unit: 'µs CPU/connect', lowerIsBetter: true },
  },
  {
    suffix: 'ratio',
    title: 'compressed size / original',
    metric: { key: 'compressedRatio', unit: 'compressed/original', lowerIsBetter: true },
  },
  {
    suffix: 'conn-memory',
    title: 'RSS per compressed connection',
    metric: { key: 'deflateRssPerConnKiB', unit: 'KiB RSS/conn', lowerIsBetter: true },
  },
  {
    suffix: 'cpu-per-handshake',
    title: 'server CPU per handshake',
    metric: { key: 'serverCpuUsPerHandshake', unit: 'µs CPU/handshake', lowerIsBetter: true },
  },
  {
    suffix: 'delivery',
    title: 'time until every client has the message',
    metric: { key: 'bcastMs', unit: 'ms', lowerIsBetter: true },
  },
  {
    suffix: 'cpu-per-broadcast',
    title: 'server CPU per broadcast',
    metric: { key: 'bcastCpuUs', unit: 'µs CPU/broadcast', lowerIsBetter: true },
  },
  {
    suffix: 'buffers',
    title: 'buffer bytes allocated per broadcast',
    metric: { key: 'bcastBufKiB', unit: 'KiB/broadcast', lowerIsBetter: true },
  },
  {
    suffix: 'heap-per-broadcast',
    title: 'JS heap allocated per broadcast',
    metric: { key: 'bcastHeapKiB', unit: 'KiB/broadcast', lowerIsBetter: true },
  },
];

/** Replaces the results: latest.json, SVG charts per section with workloads, report.md; returns the paths. */
export async function writeResults(directory: string, report: RunReport): Promise<string[]> {
  await mkdir(directory, { recursive: true });
  // Charts of an earlier run (say, of a section this run skipped) would sit beside a report
  // that does not mention them.
  for (const file of await readdir(directory))
    if (file.endsWith('.svg')) await rm(join(directory, file));
  const written: string[] = [];
  const charts = new Map<string, string>();
  for (const section of report.sections) {
    if (section.workloads.length === 0) continue;
    const file = `${section.id}.svg`;
    await writeFile(
      join(directory, file),
      barChartSvg(`${section.title} — ours vs references`, section.workloads),
    );
    charts.set(section.id, file);
    written.push(join(directory, file));
    for (const chart of METRIC_CHARTS) {
      const workloads = section.workloads.filter((w) =>
        w.candidates.some((c) => chart.metric.key in c.medianMetrics),
      );
      if (workloads.length === 0) continue;
      const metricFile = `${section.id}-${chart.suffix}.svg`;
      await writeFile(
        join(directory, metricFile),
        barChartSvg(`${section.title} — ${chart.title}`, workloads, chart.metric),
      );
      charts.set(`${section.id}:${chart.suffix}`, metricFile);
      written.push(join(directory, metricFile));
    }
  }
  const json = join(directory, 'latest.json');
  await writeFile(json, jsonReport(report));
  const markdown = join(directory, 'report.md');
  await writeFile(markdown, markdownReport(report, charts));
  return [json, markdown, ...written];
}
