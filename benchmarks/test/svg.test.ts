import { describe, expect, it } from 'vitest';
import { summarise } from '../src/harness/interleave.js';
import { barChartSvg, escapeXml } from '../src/harness/svg.js';
import type { WorkloadResult } from '../src/harness/types.js';

/** A small well-formedness check: one root, every tag closed in order, attributes quoted, entities known. */
function wellFormedProblems(xml: string): string | undefined {
  const stack: string[] = [];
  let roots = 0;
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->/g;
  let last = 0;
  for (let m = tag.exec(xml); m !== null; m = tag.exec(xml)) {
    const text = xml.slice(last, m.index);
    if (/[<>]/.test(text)) return `stray markup before offset ${m.index}: ${text.slice(0, 40)}`;
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(text))
      return `bad entity in ${text.slice(0, 40)}`;
    if (text.trim() !== '' && stack.length === 0) return 'text outside the root';
    last = m.index + m[0].length;
    if (m[0].startsWith('<!--')) continue;
    const [, closing, name, , selfClosing] = m;
    if (closing) {
      if (stack.pop() !== name) return `</${name}> does not close the open element`;
    } else {
      if (stack.length === 0) roots++;
      if (!selfClosing) stack.push(name!);
    }
  }
  if (/[<>]/.test(xml.slice(last))) return 'unparsed markup at the end';
  if (stack.length > 0) return `unclosed <${stack.at(-1)}>`;
  if (roots !== 1) return `${roots} root elements`;
  return undefined;
}

function workload(title: string, rates: [string, 'ours' | 'reference', number][]): WorkloadResult {
  const candidates = rates.map(([name, role, rate], i) =>
    summarise({ name, role }, i === 0, 1, [{ ops: rate, seconds: 1, bytes: rate * 20 }]),
  );
  return {
    section: 's',
    id: title,
    title,
    opName: 'iteration',
    bytesPerOp: 20,
    candidates,
    ratios: candidates
      .slice(1)
      .filter((c) => c.role === 'reference')
      .map((c) => ({
        ours: 'ours',
        reference: c.name,
        ratio: candidates[0]!.medianOpsPerSec / c.medianOpsPerSec,
      })),
  };
}

describe('barChartSvg', () => {
  const svg = barChartSvg('frames <&> "quotes"', [
    workload('creating frame xored 32b', [
      ['ours', 'ours', 1000],
      ['ours <pure>', 'ours', 700],
      ['ws & co', 'reference', 500],
    ]),
    workload('second', [
      ['ours', 'ours', 5],
      ['ref', 'reference', 10],
    ]),
  ]);

  it('is well-formed SVG with one svg root', () => {
    expect(wellFormedProblems(svg)).toBeUndefined();
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('draws one labelled bar per candidate, longest for the fastest of each panel', () => {
    const bars = [...svg.matchAll(/<rect x="\d+" y="\d+" width="([\d.]+)" height="18"/g)].map((m) =>
      Number(m[1]),
    );
    expect(bars).toHaveLength(5);
    expect(bars[0]).toBeGreaterThan(bars[1]!);
    expect(bars[1]).toBeGreaterThan(bars[2]!);
    expect(bars[4]).toBeGreaterThan(bars[3]!);
    expect(svg).toContain('ws &amp; co');
    expect(svg).toContain('ours &lt;pure&gt;');
    expect(svg).toContain('ours 2.00x');
    expect(svg).toContain('ours 0.50x');
  });

  it('escapes every XML special character', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;',
    );
  });

  it('the checker itself rejects broken markup', () => {
    expect(wellFormedProblems('<svg><g></svg>')).toBeDefined();
    expect(wellFormedProblems('<svg>a & b</svg>')).toBeDefined();
    expect(wellFormedProblems('<svg/><svg/>')).toBeDefined();
  });
});
