import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunReport } from './harness/json-report.js';
import { machineInfo } from './harness/json-report.js';
import { parseOptions } from './harness/options.js';
import { Progress } from './harness/progress.js';
import { exitCodeFor, runSection } from './harness/runner.js';
import { summaryTable } from './harness/table.js';
import type { SectionOutcome } from './harness/types.js';
import { writeResults } from './harness/write-results.js';
import { loadWs } from './implementations/ws.js';
import { SECTIONS } from './sections/registry.js';

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

async function main(): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(
      process.argv.slice(2),
      SECTIONS.map((s) => s.id),
    );
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const progress = new Progress();
  const startedAt = new Date().toISOString();
  const ws = loadWs();
  progress.log(
    `@ws benchmarks${options.quick ? ' (quick)' : ''}: ${options.rounds} rounds, ~${options.budgetMs} ms per candidate round; node ${process.version}; ws ${ws.version} (bufferutil ${ws.bufferutil.native ? 'native' : 'JS fallback'})`,
  );
  if ((globalThis as { gc?: unknown }).gc === undefined)
    progress.log('note: run with --expose-gc to collect garbage between rounds');

  const outcomes: SectionOutcome[] = [];
  for (const section of SECTIONS) {
    if (options.only.length > 0 && !options.only.includes(section.id)) continue;
    outcomes.push(await runSection(section, options, progress));
  }
  progress.clearStatus();
  const code = exitCodeFor(outcomes);
  progress.log('');
  for (const line of summaryTable(outcomes)) progress.log(line);

  const report: RunReport = {
    schema: 1,
    startedAt,
    finishedAt: new Date().toISOString(),
    options: { quick: options.quick, rounds: options.rounds, budgetMs: options.budgetMs },
    machine: machineInfo(),
    references: { ws: ws.version, bufferutil: ws.bufferutil.native ? 'native' : 'fallback' },
    ok: code === 0,
    sections: outcomes,
  };
  const paths = await writeResults(RESULTS_DIR, report);
  progress.log('');
  // pnpm runs this in benchmarks/; INIT_CWD is where the user typed the command.
  const from = process.env.INIT_CWD ?? process.cwd();
  for (const path of paths) progress.log(`wrote ${relative(from, path) || path}`);
  progress.log(
    code === 0
      ? 'TEST / BENCH might be successful'
      : 'TEST / BENCH FAILED: a correctness check failed (see !!! lines)',
  );
  return code;
}

process.exitCode = await main();
