import { handshakeKeys, runHandshakes } from '../e2e/handshake-load.js';
import { type Running, startServers, stopServers } from '../e2e/running.js';
import { formatRatio } from '../harness/format.js';
import type {
  Candidate,
  Sample,
  Section,
  SectionContext,
  WorkloadResult,
} from '../harness/types.js';
import { MAX_E2E_ROUNDS } from './echo.js';

/** Handshakes under way at once. */
export const HANDSHAKE_CONCURRENCY = 16;
/** Handshakes per candidate and round: [full run, quick run]. */
export const HANDSHAKES_PER_ROUND: [number, number] = [3000, 300];
/** Issue #6's target: our server's handshake rate at least this multiple of `ws`'s. */
export const HANDSHAKE_RATE_TARGET = 1.5;

/** Distinct keys cycled through, so every server computes a real accept value. */
const KEYS = handshakeKeys(256);

function handshakeCandidate(server: Running, problems: string[]): Candidate {
  return {
    name: server.name,
    role: server.role,
    async run(iterations: number): Promise<Sample> {
      const cpuBefore = await server.process.cpuMicros();
      const result = await runHandshakes(server.port, iterations, HANDSHAKE_CONCURRENCY, KEYS);
      const cpuAfter = await server.process.cpuMicros();
      if (result.problem !== undefined) problems.push(`${server.name}: ${result.problem}`);
      return {
        ops: result.completed,
        seconds: result.seconds,
        metrics: {
          serverCpuUsPerHandshake: (cpuAfter - cpuBefore) / Math.max(result.completed, 1),
        },
      };
    },
  };
}

/** ours/ws for the rate and the server CPU, with the target; undefined without both. */
export function handshakeTargetLine(result: WorkloadResult): string | undefined {
  const ours = result.candidates.find((c) => c.primary);
  const ws = result.candidates.find((c) => c.name === 'ws');
  if (ours === undefined || ws === undefined) return undefined;
  const rate = ours.medianOpsPerSec / ws.medianOpsPerSec;
  const cpu =
    (ours.medianMetrics.serverCpuUsPerHandshake ?? Number.NaN) /
    (ws.medianMetrics.serverCpuUsPerHandshake ?? Number.NaN);
  return `    target: handshakes/s ours/ws ${formatRatio(rate)} (issue #6: ≥ ${HANDSHAKE_RATE_TARGET}x, ${rate >= HANDSHAKE_RATE_TARGET ? 'met' : 'not met'}); server CPU per handshake ours/ws ${formatRatio(cpu)}`;
}

export const handshakeSection: Section = {
  id: 'handshake',
  title: 'handshakes per second',
  async run(ctx: SectionContext) {
    ctx.log(
      `### handshakes per second (fresh connections, ${HANDSHAKE_CONCURRENCY} at a time: connect, upgrade, 101 checked, Close, the server's Close and FIN)`,
    );
    const running = await startServers(ctx, {
      name: '20 handshakes with their closing handshakes, 101 and Close checked',
      run: async (port) => (await runHandshakes(port, 20, 1, KEYS)).problem,
    });
    try {
      if (ctx.failedChecks() > 0 || running.length === 0) return;
      const problems: string[] = [];
      const total = HANDSHAKES_PER_ROUND[ctx.options.quick ? 1 : 0];
      const result = await ctx.bench({
        id: 'handshake.16',
        title: `handshake + close, ${HANDSHAKE_CONCURRENCY} at a time`,
        opName: 'handshake',
        fixedIterations: total,
        rounds: Math.min(ctx.options.rounds, MAX_E2E_ROUNDS),
        candidates: running.map((server) => handshakeCandidate(server, problems)),
      });
      for (const candidate of result.candidates)
        ctx.log(
          `    ${candidate.name}: server CPU ${candidate.medianMetrics.serverCpuUsPerHandshake?.toFixed(1)} µs/handshake`,
        );
      const target = handshakeTargetLine(result);
      if (target !== undefined) ctx.log(target);
      ctx.check(
        `${total} handshakes completed in every round, each 101 and Close checked`,
        problems.length === 0,
        problems[0],
      );
    } finally {
      await stopServers(running);
    }
  },
};
