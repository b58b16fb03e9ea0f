import { setTimeout as delay } from 'node:timers/promises';
import { runBroadcasts } from '../e2e/broadcast-load.js';
import { type Running, startServers, stopServers } from '../e2e/running.js';
import { formatRatio } from '../harness/format.js';
import { median } from '../harness/stats.js';
import type {
  Candidate,
  Sample,
  Section,
  SectionContext,
  WorkloadResult,
} from '../harness/types.js';

/** Clients held during a round: [full run, quick run]. */
export const BROADCAST_CLIENTS: [number, number] = [5000, 500];
/** Broadcasts per candidate and round: [full run, quick run]. */
export const BROADCASTS_PER_ROUND: [number, number] = [20, 5];
/** Rounds at most (each opens every connection afresh): [full run, quick run]. */
export const BROADCAST_ROUNDS: [number, number] = [5, 3];
export const BROADCAST_SIZE = 1024;
/** After the clients of a round have gone, time for the server to drop them before the next candidate. */
const TEARDOWN_MS = 300;

/** Every payload length form (RFC 6455 §5.2: 7-bit, 16-bit, 64-bit) and both of ours' paths (≤ 16 KiB copied, above not). */
const CHECK_SIZES = [0, 125, 126, 70 * 1024];

let nextSeq = 1;

function broadcastCandidate(server: Running, clients: number, problems: string[]): Candidate {
  return {
    name: server.name,
    role: server.role,
    async run(iterations: number): Promise<Sample> {
      const firstSeq = nextSeq;
      nextSeq += iterations;
      const result = await runBroadcasts(server.process, {
        port: server.port,
        clients,
        sizes: Array<number>(iterations).fill(BROADCAST_SIZE),
        firstSeq,
        settleMs: 100,
        deliveryLimitMs: 30_000,
      });
      await delay(TEARDOWN_MS);
      if (result.problem !== undefined) problems.push(`${server.name}: ${result.problem}`);
      const reports = result.reports;
      const medianOf = (values: number[]) => (values.length > 0 ? median(values) : Number.NaN);
      // Allocations are averaged, not medians: Buffer's 8 KiB pool makes one reading 0 or 8 KiB.
      const meanOf = (values: number[]) =>
        values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : Number.NaN;
      return {
        ops: result.deliveryMs.length,
        seconds: result.deliveryMs.reduce((sum, ms) => sum + ms, 0) / 1000,
        metrics: {
          bcastMs: medianOf(result.deliveryMs),
          bcastCpuUs: medianOf(reports.map((r) => r.cpuUs)),
          bcastCallUs: medianOf(reports.map((r) => r.callUs)),
          // A buffer released during the call (no GC ran) can make one reading negative; the
          // mean of a server that allocates none is then just below 0, shown as 0.
          bcastBufKiB: Math.max(0, meanOf(reports.map((r) => r.bufferBytes / 1024))),
          bcastHeapKiB: meanOf(reports.map((r) => r.heapBytes / 1024)),
          bcastGcs: meanOf(reports.map((r) => r.gcs)),
        },
      };
    },
  };
}

/** Each server delivers one broadcast of every length form to a few clients, byte for byte. */
async function verifyBroadcast(server: Running): Promise<string | undefined> {
  const firstSeq = nextSeq;
  nextSeq += CHECK_SIZES.length;
  const result = await runBroadcasts(server.process, {
    port: server.port,
    clients: 5,
    sizes: CHECK_SIZES,
    firstSeq,
    settleMs: 50,
    deliveryLimitMs: 10_000,
  });
  await delay(TEARDOWN_MS);
  return result.problem;
}

/** ours against ws: delivery time, server CPU and bytes allocated per broadcast. */
export function broadcastComparisonLine(result: WorkloadResult): string | undefined {
  const ours = result.candidates.find((c) => c.primary);
  const ws = result.candidates.find((c) => c.name === 'ws');
  if (ours === undefined || ws === undefined) return undefined;
  const r = (key: string) =>
    formatRatio((ours.medianMetrics[key] ?? Number.NaN) / (ws.medianMetrics[key] ?? Number.NaN));
  const kib = (c: typeof ours, key: string) => (c.medianMetrics[key] ?? Number.NaN).toFixed(1);
  return `    ours/ws (below 1 = ours costs less): delivery time ${r('bcastMs')}, server CPU ${r('bcastCpuUs')}, JS heap ${r('bcastHeapKiB')}; buffers ${kib(ours, 'bcastBufKiB')} KiB (ours) vs ${kib(ws, 'bcastBufKiB')} KiB (ws)`;
}

export const broadcastSection: Section = {
  id: 'broadcast',
  title: 'broadcast',
  async run(ctx: SectionContext) {
    const clients = BROADCAST_CLIENTS[ctx.options.quick ? 1 : 0];
    ctx.log(
      `### broadcast of one ${BROADCAST_SIZE} B binary message to ${clients} clients (each server's own way; timed from the command to the last client's frame)`,
    );
    const running = await startServers(ctx);
    try {
      for (const server of running) {
        const problem = await verifyBroadcast(server).catch((error: Error) => error.message);
        ctx.check(
          `${server.name}: broadcasts of 0 B, 125 B, 126 B and 70 KiB reach 5 clients intact, once each`,
          problem === undefined,
          problem,
        );
      }
      if (ctx.failedChecks() > 0 || running.length === 0) return;
      const problems: string[] = [];
      const broadcasts = BROADCASTS_PER_ROUND[ctx.options.quick ? 1 : 0];
      const result = await ctx.bench({
        id: `broadcast.${BROADCAST_SIZE}B.${clients}`,
        title: `broadcast ${BROADCAST_SIZE} B to ${clients} clients`,
        opName: 'broadcast',
        fixedIterations: broadcasts,
        rounds: Math.min(ctx.options.rounds, BROADCAST_ROUNDS[ctx.options.quick ? 1 : 0]),
        candidates: running.map((server) => broadcastCandidate(server, clients, problems)),
      });
      for (const candidate of result.candidates) {
        const m = candidate.medianMetrics;
        ctx.log(
          `    ${candidate.name}: delivered in ${m.bcastMs?.toFixed(1)} ms; server CPU ${m.bcastCpuUs?.toFixed(0)} µs (${(((m.bcastCpuUs ?? Number.NaN) * 1000) / clients).toFixed(0)} ns/client), call ${m.bcastCallUs?.toFixed(0)} µs; allocated ${m.bcastBufKiB?.toFixed(1)} KiB of buffers, ${m.bcastHeapKiB?.toFixed(1)} KiB of JS heap (${(((m.bcastHeapKiB ?? Number.NaN) * 1024) / clients).toFixed(0)} B/client), ${m.bcastGcs?.toFixed(1)} GCs during the call`,
        );
      }
      const line = broadcastComparisonLine(result);
      if (line !== undefined) ctx.log(line);
      ctx.check(
        `${broadcasts} broadcasts per round reached all ${clients} clients exactly once, sampled payloads intact`,
        problems.length === 0,
        problems[0],
      );
    } finally {
      await stopServers(running);
    }
  },
};
