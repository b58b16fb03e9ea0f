/**
 * The conformance CLI: `node --import tsx src/main.ts [--target ws|ours|all] [--group <name>]
 * [--side server|client] [--filter <id part>] [--interop] [--quiet]`. Writes results/report.json
 * and report.md and exits 1 when any case FAILED for ours (or ours could not be run), or an
 * interop pairing failed.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { GROUPS, type Group, type Mode } from './cases/types.js';
import { PAIRINGS } from './interop/index.js';
import { type PairingResult, runPairing } from './interop/types.js';
import { count, writeReports } from './report.js';
import { runSuite, type TargetReport } from './suite.js';
import { oursStandaloneTarget, oursTarget } from './targets/ours.js';
import type { Target } from './targets/types.js';
import { wsTarget } from './targets/ws.js';

const RESULTS_DIR = fileURLToPath(new URL('../results', import.meta.url));

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      target: { type: 'string', default: 'all' },
      group: { type: 'string', multiple: true },
      side: { type: 'string' },
      filter: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      interop: { type: 'boolean', default: false },
    },
  });
  const targets: Target[] =
    values.target === 'ws'
      ? [wsTarget]
      : values.target === 'ours'
        ? [oursTarget, oursStandaloneTarget]
        : values.target === 'all'
          ? [oursTarget, oursStandaloneTarget, wsTarget]
          : [];
  if (targets.length === 0)
    throw new TypeError(`--target: expected ws, ours or all, got ${values.target}`);
  for (const group of values.group ?? []) {
    if (!(GROUPS as readonly string[]).includes(group)) {
      throw new TypeError(`--group: expected one of ${GROUPS.join(', ')}, got ${group}`);
    }
  }
  if (values.side !== undefined && values.side !== 'server' && values.side !== 'client') {
    throw new TypeError(`--side: expected server or client, got ${values.side}`);
  }
  const options = {
    ...(values.group ? { groups: values.group as Group[] } : {}),
    ...(values.side ? { modes: [values.side as Mode] } : {}),
    ...(values.filter ? { filter: values.filter } : {}),
  };
  // The targets run side by side: each has its own server and scripted server.
  const reports: TargetReport[] = await Promise.all(
    targets.map((target) =>
      runSuite(target, {
        ...options,
        onResult: (result) => {
          if (!values.quiet || result.verdict === 'FAILED') {
            console.log(
              `${target.name.padEnd(4)} ${result.mode.padEnd(6)} ${result.verdict.padEnd(10)} ${result.id} ${result.note}`.slice(
                0,
                220,
              ),
            );
          }
        },
      }),
    ),
  );
  const interop: PairingResult[] = [];
  if (values.interop) {
    for (const pairing of PAIRINGS) {
      const result = await runPairing(pairing);
      interop.push(result);
      console.log(
        `interop ${result.status.padEnd(7)} ${result.title}${result.reason ? `: ${result.reason}` : ''}`,
      );
    }
  }
  await writeReports(RESULTS_DIR, reports, interop);
  let exitCode = 0;
  for (const report of reports) {
    const counts = count(report.results);
    const line = report.unavailable
      ? `not run: ${report.unavailable}`
      : `${counts.OK} OK, ${counts['NON-STRICT']} NON-STRICT, ${counts.FAILED} FAILED of ${report.results.length}`;
    console.log(`${report.label}: ${line}`);
    if (report.target !== 'ws' && (report.unavailable || counts.FAILED > 0)) exitCode = 1;
  }
  if (interop.some((result) => result.status === 'failed')) exitCode = 1;
  console.log(`reports: ${RESULTS_DIR}/report.md, report.json`);
  return exitCode;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error);
    process.exitCode = 2;
  },
);
