import { compact, formatRatio } from './format.js';
import type { WorkloadResult } from './types.js';

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const WIDTH = 900;
const LABEL_WIDTH = 230;
const BAR_AREA = 360;
const BAR_HEIGHT = 18;
const BAR_GAP = 6;
const PANEL_TITLE = 26;
const PANEL_GAP = 18;
const COLORS = { ours: '#1f77b4', oursVariant: '#7fb3dc', reference: '#9a9a9a' };

/**
 * A hand-written horizontal bar chart: one panel per workload, one bar per candidate, each
 * panel scaled to its own fastest candidate (workloads differ by orders of magnitude). Ours is
 * blue, references grey; each bar is labelled with its rate and, for references, ours/ref.
 */
export interface ChartMetric {
  /** A key of `medianMetrics` to chart instead of the rate. */
  key: string;
  unit: string;
  /** True for costs (CPU per message, latency): the bar text then says so. */
  lowerIsBetter: boolean;
}

export function barChartSvg(
  title: string,
  workloads: readonly WorkloadResult[],
  metric?: ChartMetric,
): string {
  const parts: string[] = [];
  let y = 52;
  for (const workload of workloads) {
    const useMB =
      metric === undefined &&
      workload.candidates.every((c) => c.medianMBps !== undefined) &&
      (workload.bytesPerOp ?? 1024) >= 1024;
    const value = (c: WorkloadResult['candidates'][number]) =>
      metric !== undefined
        ? (c.medianMetrics[metric.key] ?? Number.NaN)
        : useMB
          ? c.medianMBps!
          : c.medianOpsPerSec;
    const unit = metric?.unit ?? (useMB ? 'MB/s' : 'ops/s');
    const direction = metric?.lowerIsBetter ? 'shorter is better' : 'longer is faster';
    const ours = workload.candidates.find((c) => c.primary);
    const max = Math.max(
      ...workload.candidates.map(value).filter(Number.isFinite),
      Number.MIN_VALUE,
    );
    parts.push(
      `<text x="10" y="${y + 16}" class="panel">${escapeXml(workload.title)} <tspan class="unit">(${unit}, ${direction})</tspan></text>`,
    );
    y += PANEL_TITLE;
    for (const candidate of workload.candidates) {
      const v = value(candidate);
      const length = Number.isFinite(v) ? Math.max(1, (v / max) * BAR_AREA) : 1;
      const color =
        candidate.role === 'reference'
          ? COLORS.reference
          : candidate.primary
            ? COLORS.ours
            : COLORS.oursVariant;
      // The rate ratio ours/ref for rates; ref/ours for costs, so > 1 still means ours is better.
      const r =
        ours === undefined || candidate.role !== 'reference'
          ? undefined
          : metric === undefined
            ? workload.ratios.find((x) => x.reference === candidate.name)?.ratio
            : metric.lowerIsBetter
              ? v / value(ours)
              : value(ours) / v;
      const label = `${compact(v)} ${unit}${r === undefined ? '' : ` · ours ${formatRatio(r)}`}`;
      parts.push(
        `<text x="${LABEL_WIDTH - 8}" y="${y + 13}" class="name" text-anchor="end">${escapeXml(candidate.name)}</text>`,
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${length.toFixed(1)}" height="${BAR_HEIGHT}" fill="${color}"><title>${escapeXml(`${candidate.name}: ${label}`)}</title></rect>`,
        `<text x="${(LABEL_WIDTH + length + 6).toFixed(1)}" y="${y + 13}" class="value">${escapeXml(label)}</text>`,
      );
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += PANEL_GAP;
  }
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escapeXml(title)}">`,
    '<style>text{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:12px;fill:#222}.title{font-size:16px;font-weight:bold}.panel{font-size:13px;font-weight:bold}.unit{font-weight:normal;fill:#666}.value{fill:#333}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="24" class="title">${escapeXml(title)}</text>`,
    `<g transform="translate(10,32)"><rect width="12" height="12" fill="${COLORS.ours}"/><text x="16" y="11">ours</text><rect x="60" width="12" height="12" fill="${COLORS.oursVariant}"/><text x="76" y="11">ours (other API)</text><rect x="178" width="12" height="12" fill="${COLORS.reference}"/><text x="194" y="11">reference</text></g>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
