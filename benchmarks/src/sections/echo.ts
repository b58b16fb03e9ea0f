import { equalBytes } from '../bytes.js';
import { echoOnce, runLoad } from '../e2e/load.js';
import { type Running, startServers, stopServers } from '../e2e/running.js';
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
    messagesPerConnection: [320, 48],
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
export const MAX_E2E_ROUNDS = 7;

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

export const echoSection: Section = {
  id: 'echo',
  title: 'end-to-end echo',
  async run(ctx: SectionContext) {
    ctx.log('### end-to-end echo (each server in its own process, loopback, one at a time)');
    const running = await startServers(ctx, {
      name: 'echoes 0 B, 125 B, 126 B and 70 KiB payloads intact',
      run: verifyEcho,
    });
    try {
      if (ctx.failedChecks() > 0 || running.length === 0) return;
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
      await stopServers(running);
    }
  },
};
