import { connect } from '@ws/client';
import WebSocket from 'ws';
import { wsUrl } from '../e2e/clients.js';
import type { Candidate, Sample, Section, SectionContext } from '../harness/types.js';
import { cpuRatioLine, MAX_CLIENT_ROUNDS, measured, startWsServer } from './client-echo.js';

/** The issue's target: our handshake rate at least this multiple of `ws`'s. */
export const RATE_TARGET = 1.5;

export interface ConnectWorkload {
  id: string;
  title: string;
  /** Handshakes under way at once. */
  concurrency: number;
  /** Connects per round: [full run, quick run]. */
  connects: [number, number];
}

export const CONNECT_WORKLOADS: readonly ConnectWorkload[] = [
  {
    id: 'client-connect.1',
    title: 'connect + close, one at a time',
    concurrency: 1,
    connects: [600, 60],
  },
  {
    id: 'client-connect.16',
    title: 'connect + close, 16 at a time',
    concurrency: 16,
    connects: [1600, 128],
  },
];

/** One connection opened (handshake checked by the client) and closed with the closing handshake. */
type ConnectOnce = (url: string) => Promise<string | undefined>;

const connectOurs: ConnectOnce = async (url) => {
  const conn = await connect(url, { perMessageDeflate: false });
  const close = await conn.close(1000);
  return close.code === 1000 ? undefined : `closed with ${close.code}`;
};

const connectWs: ConnectOnce = (url) =>
  new Promise((resolve) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once('open', () => socket.close(1000));
    socket.once('error', (error) => resolve(error.message));
    socket.once('close', (code) => resolve(code === 1000 ? undefined : `closed with ${code}`));
  });

/** Runs `total` connects, `concurrency` at a time; the first problem, if any. */
export async function connectMany(
  once: ConnectOnce,
  url: string,
  total: number,
  concurrency: number,
): Promise<string | undefined> {
  let next = 0;
  let problem: string | undefined;
  const worker = async () => {
    while (next < total) {
      next++;
      const result = await once(url).catch((error: Error) => error.message);
      problem ??= result;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return problem;
}

function connectCandidate(
  name: string,
  role: Candidate['role'],
  once: ConnectOnce,
  url: string,
  workload: ConnectWorkload,
  problems: string[],
): Candidate {
  return {
    name,
    role,
    async run(iterations: number): Promise<Sample> {
      const { value, seconds, cpuMicros } = await measured(() =>
        connectMany(once, url, iterations, workload.concurrency),
      );
      if (value !== undefined) problems.push(`${name}: ${value}`);
      return {
        ops: iterations,
        seconds,
        metrics: { clientCpuUsPerConnect: cpuMicros / iterations },
      };
    },
  };
}

export const clientConnectSection: Section = {
  id: 'client-connect',
  title: 'client connect (handshake rate)',
  async run(ctx: SectionContext) {
    ctx.log(
      '### client connect: opening + closing handshake against the ws server (child process)',
    );
    const server = await startWsServer();
    try {
      const url = wsUrl(server.port);
      for (const [name, once] of [
        ['ours', connectOurs],
        ['ws', connectWs],
      ] as const) {
        const problem = await connectMany(once, url, 20, 4);
        ctx.check(
          `${name}: 20 connects open and close cleanly (1000)`,
          problem === undefined,
          problem,
        );
      }
      if (ctx.failedChecks() > 0) return;
      for (const workload of CONNECT_WORKLOADS) {
        const problems: string[] = [];
        const result = await ctx.bench({
          id: workload.id,
          title: workload.title,
          opName: 'connect',
          fixedIterations: workload.connects[ctx.options.quick ? 1 : 0],
          rounds: Math.min(ctx.options.rounds, MAX_CLIENT_ROUNDS),
          candidates: [
            connectCandidate('ours', 'ours', connectOurs, url, workload, problems),
            connectCandidate('ws', 'reference', connectWs, url, workload, problems),
          ],
        });
        const rate = result.ratios.find((r) => r.reference === 'ws')?.ratio;
        if (rate !== undefined)
          ctx.log(
            `    rate ours/ws ${rate.toFixed(2)}x (target ≥ ${RATE_TARGET.toFixed(2)}: ${rate >= RATE_TARGET ? 'met' : 'not met'})`,
          );
        const cpu = new Map(
          result.candidates.map((c) => [
            c.name,
            c.medianMetrics.clientCpuUsPerConnect ?? Number.NaN,
          ]),
        );
        ctx.log(
          `    client CPU µs/connect: ${[...cpu].map(([name, v]) => `${name} ${v.toFixed(1)}`).join(', ')}`,
        );
        const line = cpuRatioLine(cpu);
        if (line !== undefined) ctx.log(line);
        ctx.check(
          `${workload.title}: every connect opened and closed cleanly in every round`,
          problems.length === 0,
          problems[0],
        );
      }
    } finally {
      await server.process.stop();
    }
  },
};
