import { setTimeout as delay } from 'node:timers/promises';
import { equalBytes } from '../bytes.js';
import { echoOnce, holdConnections, runLoad } from '../e2e/load.js';
import { discoverServers, ServerProcess } from '../e2e/server-process.js';
import { percentile } from '../harness/stats.js';
import type { Candidate, Sample, Section, SectionContext } from '../harness/types.js';
import { Prng } from '../prng.js';

export interface EchoWorkload {
  id: string;
  title: string;
  payloadSize: number;
  connections: number;
  inFlight: number;
  /** Messages per connection and round: [full run, quick run]. */
  messagesPerConnection: [number, number];
}

export const ECHO_WORKLOADS: readonly EchoWorkload[] = [
  {
    id: 'echo.32B',
    title: 'echo 32b, 16 conns x 16 in flight',
    payloadSize: 32,
    connections: 16,
    inFlight: 16,
    messagesPerConnection: [4000, 500],
  },
  {
    id: 'echo.1KiB',
    title: 'echo 1KiB, 16 conns x 16 in flight',
    payloadSize: 1024,
    connections: 16,
    inFlight: 16,
    messagesPerConnection: [4000, 500],
  },
  {
    id: 'echo.64KiB',
    title: 'echo 64KiB, 16 conns x 16 in flight',
    payloadSize: 64 * 1024,
    connections: 16,
    inFlight: 16,
    messagesPerConnection: [128, 48],
  },
  {
    id: 'echo.latency.32B',
    title: 'echo 32b latency, 1 conn x 1 in flight',
    payloadSize: 32,
    connections: 1,
    inFlight: 1,
    messagesPerConnection: [4000, 1000],
  },
];

/** End-to-end rounds are long and fixed in size; more than this many adds time, not insight. */
const MAX_E2E_ROUNDS = 7;

/** Idle connections held open to measure a server's memory per connection: [full, quick]. */
export const IDLE_CONNECTIONS: [number, number] = [1000, 200];
/** Time for a server to finish setting up (or tearing down) connections before its memory is read. */
const SETTLE_MS = 250;

interface Running {
  name: string;
  role: Candidate['role'];
  process: ServerProcess;
  port: number;
}

/** Each payload must come back byte for byte (a floor server's masked echo is unmasked first). */
async function verifyEcho(port: number): Promise<string | undefined> {
  const prng = new Prng(0xec0);
  for (const size of [0, 125, 126, 70 * 1024]) {
    const payload = prng.bytes(size);
    const back = await echoOnce(port, payload);
    if (!equalBytes(back, payload))
      return `a ${size} B payload came back as ${back.length} different bytes`;
  }
  return undefined;
}

function echoCandidate(server: Running, workload: EchoWorkload, problems: string[]): Candidate {
  return {
    name: server.name,
    role: server.role,
    async run(iterations: number): Promise<Sample> {
      let cpuBefore = 0;
      let cpuAfter = 0;
      const result = await runLoad(
        {
          port: server.port,
          connections: workload.connections,
          inFlight: workload.inFlight,
          payloadSize: workload.payloadSize,
          messagesPerConnection: Math.ceil(iterations / workload.connections),
          timeLimitMs: 60_000,
        },
        {
          beforeStart: async () => {
            cpuBefore = await server.process.cpuMicros();
          },
          afterDone: async () => {
            cpuAfter = await server.process.cpuMicros();
          },
        },
      );
      if (result.problem !== undefined) problems.push(`${server.name}: ${result.problem}`);
      const messages = Math.max(result.messages, 1);
      return {
        ops: result.messages,
        seconds: result.seconds,
        bytes: result.payloadBytes,
        metrics: {
          p50Us: result.latenciesUs.length
            ? percentile(Array.from(result.latenciesUs), 50)
            : Number.NaN,
          p99Us: result.latenciesUs.length
            ? percentile(Array.from(result.latenciesUs), 99)
            : Number.NaN,
          serverCpuUsPerMsg: (cpuAfter - cpuBefore) / messages,
        },
      };
    },
  };
}

/**
 * Opens `iterations` idle connections: the rate is handshakes per second (50 at a time), the
 * metrics are the server's RSS and JS heap growth per connection (each read after a full GC).
 */
function idleCandidate(server: Running, problems: string[]): Candidate {
  return {
    name: server.name,
    role: server.role,
    async run(iterations: number): Promise<Sample> {
      await delay(SETTLE_MS);
      const before = await server.process.memory();
      let after = before;
      const result = await holdConnections(server.port, iterations, async () => {
        await delay(SETTLE_MS);
        after = await server.process.memory();
      });
      if (result.problem !== undefined) problems.push(`${server.name}: ${result.problem}`);
      const opened = Math.max(result.opened, 1);
      return {
        ops: result.opened,
        seconds: result.seconds,
        metrics: {
          rssPerConnKiB: (after.rss - before.rss) / opened / 1024,
          heapPerConnKiB: (after.heapUsed - before.heapUsed) / opened / 1024,
        },
      };
    },
  };
}

export const echoSection: Section = {
  id: 'echo',
  title: 'end-to-end echo',
  async run(ctx: SectionContext) {
    ctx.log('### end-to-end echo (each server in its own process, loopback, one at a time)');
    const running: Running[] = [];
    try {
      for (const { server, file } of await discoverServers()) {
        const reason = await server.unavailable?.();
        if (reason !== undefined) {
          ctx.unavailable(server.name, reason);
          continue;
        }
        ctx.status(`starting ${server.name}`);
        try {
          const started = await ServerProcess.start({ server, file });
          running.push({ name: server.name, role: server.role, ...started });
        } catch (error) {
          ctx.check(`${server.name}: starts`, false, (error as Error).message);
          continue;
        }
        const problem = await verifyEcho(running.at(-1)!.port).catch(
          (error: Error) => error.message,
        );
        ctx.check(
          `${server.name}: echoes 0 B, 125 B, 126 B and 70 KiB payloads intact`,
          problem === undefined,
          problem,
        );
      }
      if (ctx.failedChecks() > 0 || running.length === 0) return;
      // Idle connections first, while the servers' heaps are fresh: RSS growth shows best then.
      const idle = IDLE_CONNECTIONS[ctx.options.quick ? 1 : 0];
      const idleProblems: string[] = [];
      const idleResult = await ctx.bench({
        id: 'connections.idle',
        title: `open and hold ${idle} idle connections`,
        opName: 'connection',
        fixedIterations: idle,
        rounds: Math.min(ctx.options.rounds, MAX_E2E_ROUNDS),
        candidates: running.map((server) => idleCandidate(server, idleProblems)),
      });
      for (const candidate of idleResult.candidates) {
        const m = candidate.medianMetrics;
        ctx.log(
          `    ${candidate.name}: ${m.rssPerConnKiB?.toFixed(1)} KiB RSS and ${m.heapPerConnKiB?.toFixed(1)} KiB JS heap per idle connection`,
        );
      }
      ctx.check(
        `${idle} connections opened in every round`,
        idleProblems.length === 0,
        idleProblems[0],
      );
      for (const workload of ECHO_WORKLOADS) {
        const problems: string[] = [];
        const perConnection = workload.messagesPerConnection[ctx.options.quick ? 1 : 0];
        const result = await ctx.bench({
          id: workload.id,
          title: workload.title,
          opName: 'message',
          bytesPerOp: workload.payloadSize,
          fixedIterations: perConnection * workload.connections,
          rounds: Math.min(ctx.options.rounds, MAX_E2E_ROUNDS),
          candidates: running.map((server) => echoCandidate(server, workload, problems)),
        });
        for (const candidate of result.candidates) {
          const m = candidate.medianMetrics;
          ctx.log(
            `    ${candidate.name}: p50 ${m.p50Us?.toFixed(0)} µs, p99 ${m.p99Us?.toFixed(0)} µs, server CPU ${m.serverCpuUsPerMsg?.toFixed(2)} µs/message`,
          );
        }
        ctx.check(
          `${workload.title}: every message echoed in every round`,
          problems.length === 0,
          problems[0],
        );
      }
    } finally {
      for (const server of running) await server.process.stop();
    }
  },
};
