import { setTimeout as delay } from 'node:timers/promises';
import { holdConnections } from '../e2e/load.js';
import { availableServers } from '../e2e/running.js';
import { type ServerEntry, ServerProcess } from '../e2e/server-process.js';
import { formatRatio } from '../harness/format.js';
import type {
  Candidate,
  Sample,
  Section,
  SectionContext,
  WorkloadResult,
} from '../harness/types.js';

/** Idle connections held open per round: [full run, quick run]. */
export const IDLE_CONNECTIONS: [number, number] = [5000, 500];
/** Rounds, each in a fresh server process: [full run, quick run]. */
export const IDLE_ROUNDS: [number, number] = [5, 1];
/** Connections opened and closed in a fresh server before the baseline reading. */
export const WARM_CONNECTIONS = 100;
/** Issue #6's target: our memory per idle connection at most this fraction of `ws`'s. */
export const IDLE_MEMORY_TARGET = 0.5;
/** Time for a server to finish setting up (or tearing down) connections before its memory is read. */
const SETTLE_MS = 500;

/**
 * One round = one fresh server process: a process that has freed connections before reuses
 * that memory and hides the growth. Its first connections (JIT, lazy module set-up) are paid
 * by `WARM_CONNECTIONS` opened and closed first; then RSS and JS heap are read after a full GC
 * (`MEM`), `iterations` connections opened (50 at a time) and held, and read again.
 */
function idleCandidate(entry: ServerEntry, problems: string[]): Candidate {
  return {
    name: entry.server.name,
    role: entry.server.role,
    async run(iterations: number): Promise<Sample> {
      const { process: server, port } = await ServerProcess.start(entry);
      try {
        const warm = await holdConnections(port, WARM_CONNECTIONS, async () => {});
        if (warm.problem !== undefined) problems.push(`${entry.server.name}: ${warm.problem}`);
        await delay(SETTLE_MS);
        const before = await server.memory();
        let after = before;
        const held = await holdConnections(port, iterations, async () => {
          await delay(SETTLE_MS);
          after = await server.memory();
        });
        if (held.problem !== undefined) problems.push(`${entry.server.name}: ${held.problem}`);
        const opened = Math.max(held.opened, 1);
        return {
          ops: held.opened,
          seconds: held.seconds,
          metrics: {
            rssPerConnKiB: (after.rss - before.rss) / opened / 1024,
            rssOldPerConnKiB:
              (after.rss - after.young - (before.rss - before.young)) / opened / 1024,
            heapPerConnKiB: (after.heapUsed - before.heapUsed) / opened / 1024,
          },
        };
      } finally {
        await server.stop();
      }
    },
  };
}

/**
 * ours/ws per idle connection with the target, and how ½ of ws compares with the floor
 * (a bare net.Socket that completed a 101); undefined without ours and ws.
 */
export function idleTargetLines(result: WorkloadResult): string[] {
  const ours = result.candidates.find((c) => c.primary);
  const ws = result.candidates.find((c) => c.name === 'ws');
  if (ours === undefined || ws === undefined) return [];
  const floor = result.candidates.find((c) => c.name === 'node:net floor');
  const lines: string[] = [];
  for (const [key, what] of [
    ['rssPerConnKiB', 'RSS'],
    ['rssOldPerConnKiB', 'RSS without the young generation'],
    ['heapPerConnKiB', 'JS heap'],
  ] as const) {
    const o = ours.medianMetrics[key] ?? Number.NaN;
    const w = ws.medianMetrics[key] ?? Number.NaN;
    const f = floor?.medianMetrics[key];
    const half = w * IDLE_MEMORY_TARGET;
    lines.push(
      `    target (${what}): ours/ws ${formatRatio(o / w)} (issue #6: ≤ ${IDLE_MEMORY_TARGET}x, ${o <= half ? 'met' : 'not met'}); ½ of ws = ${half.toFixed(2)} KiB${f === undefined ? '' : `, the node:net floor holds ${f.toFixed(2)} KiB${half < f ? ' — below the floor: no net.Socket-based server can reach it' : ''}`}`,
    );
  }
  return lines;
}

export const idleSection: Section = {
  id: 'idle',
  title: 'memory per idle connection',
  async run(ctx: SectionContext) {
    const count = IDLE_CONNECTIONS[ctx.options.quick ? 1 : 0];
    ctx.log(
      `### memory per idle connection (${count} connections, a fresh server process per round, RSS and JS heap after a full GC)`,
    );
    const entries = await availableServers(ctx);
    if (entries.length === 0) return;
    const problems: string[] = [];
    const result = await ctx.bench({
      id: 'idle.hold',
      title: `open and hold ${count} idle connections`,
      opName: 'connection',
      fixedIterations: count,
      warmUp: false,
      rounds: Math.min(ctx.options.rounds, IDLE_ROUNDS[ctx.options.quick ? 1 : 0]),
      candidates: entries.map((entry) => idleCandidate(entry, problems)),
    });
    for (const candidate of result.candidates) {
      const m = candidate.medianMetrics;
      ctx.log(
        `    ${candidate.name}: ${m.rssPerConnKiB?.toFixed(2)} KiB RSS (${m.rssOldPerConnKiB?.toFixed(2)} without V8's young generation) and ${m.heapPerConnKiB?.toFixed(2)} KiB JS heap per idle connection`,
      );
    }
    for (const line of idleTargetLines(result)) ctx.log(line);
    ctx.check(
      `${count} connections opened and held in every round`,
      problems.length === 0,
      problems[0],
    );
  },
};
