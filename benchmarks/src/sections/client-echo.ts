import { equalBytes } from '../bytes.js';
import { type EchoClient, openOursEvents, openWs } from '../e2e/clients.js';
import { Node22Client } from '../e2e/node22.js';
import { discoverServers, ServerProcess } from '../e2e/server-process.js';
import type { Candidate, Sample, Section, SectionContext } from '../harness/types.js';
import { Prng } from '../prng.js';

export interface ClientEchoWorkload {
  id: string;
  title: string;
  payloadSize: number;
  /** Messages sent before waiting for their echoes: 1 = one in flight. */
  burst: number;
  /** Messages per round: [full run, quick run]. */
  messages: [number, number];
}

/**
 * Full-run rounds last 150–300 ms: with rounds of about 70 ms, the one-in-flight CPU ratio
 * ours/ws went from 0.83 to 1.02 between two runs.
 */
export const CLIENT_ECHO_WORKLOADS: readonly ClientEchoWorkload[] = [
  {
    id: 'client-echo.32B.1',
    title: 'client echo 32b, 1 in flight',
    payloadSize: 32,
    burst: 1,
    messages: [6000, 500],
  },
  {
    id: 'client-echo.1KiB.1',
    title: 'client echo 1KiB, 1 in flight',
    payloadSize: 1024,
    burst: 1,
    messages: [6000, 500],
  },
  {
    id: 'client-echo.64KiB.1',
    title: 'client echo 64KiB, 1 in flight',
    payloadSize: 64 * 1024,
    burst: 1,
    messages: [800, 80],
  },
  {
    id: 'client-echo.32B.16',
    title: 'client echo 32b, bursts of 16',
    payloadSize: 32,
    burst: 16,
    messages: [24000, 1600],
  },
  {
    id: 'client-echo.1KiB.16',
    title: 'client echo 1KiB, bursts of 16',
    payloadSize: 1024,
    burst: 16,
    messages: [24000, 1600],
  },
  {
    id: 'client-echo.64KiB.16',
    title: 'client echo 64KiB, bursts of 16',
    payloadSize: 64 * 1024,
    burst: 16,
    messages: [1600, 160],
  },
];

/** End-to-end rounds are fixed in size; more than this many adds time, not insight. */
export const MAX_CLIENT_ROUNDS = 7;
/** The issue's target: our client's CPU per message at most this share of `ws`'s. */
export const CPU_TARGET = 0.5;

/** Runs `body` and measures this process's wall time and CPU (user + system) around it. */
export async function measured<T>(
  body: () => Promise<T>,
): Promise<{ value: T; seconds: number; cpuMicros: number }> {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const value = await body();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return { value, seconds, cpuMicros: used.user + used.system };
}

function inProcessCandidate(
  client: EchoClient,
  role: Candidate['role'],
  workload: ClientEchoWorkload,
  payload: Uint8Array,
  problems: string[],
): Candidate {
  return {
    name: client.name,
    role,
    async run(iterations: number): Promise<Sample> {
      const { value, seconds, cpuMicros } = await measured(() =>
        client.echo(payload, iterations, workload.burst),
      );
      if (value !== undefined) problems.push(`${client.name}: ${value}`);
      return {
        ops: iterations,
        seconds,
        bytes: iterations * payload.length,
        metrics: { clientCpuUsPerMsg: cpuMicros / iterations },
      };
    },
  };
}

function node22Candidate(
  client: Node22Client,
  workload: ClientEchoWorkload,
  problems: string[],
): Candidate {
  return {
    name: 'Node 22 WebSocket',
    role: 'reference',
    async run(iterations: number): Promise<Sample> {
      const reply = await client.echo(workload.payloadSize, iterations, workload.burst);
      if (reply.problem !== undefined) problems.push(`Node 22 WebSocket: ${reply.problem}`);
      return {
        ops: iterations,
        seconds: reply.seconds,
        bytes: iterations * workload.payloadSize,
        metrics: { clientCpuUsPerMsg: reply.cpuMicros / iterations },
      };
    },
  };
}

/** Each payload sent once must come back byte for byte. */
async function verifyClient(client: EchoClient): Promise<string | undefined> {
  const prng = new Prng(0xc11);
  const payloads = [0, 125, 126, 70 * 1024].map((size) => prng.bytes(size));
  const back = await client.echoEach(payloads);
  for (const [i, payload] of payloads.entries())
    if (back[i] === undefined || !equalBytes(back[i]!, payload))
      return `a ${payload.length} B payload came back as ${back[i]?.length ?? 0} different bytes`;
  return undefined;
}

/** Starts the `ws` echo server of the echo section in its own process. */
export async function startWsServer(): Promise<{ process: ServerProcess; port: number }> {
  const entry = (await discoverServers()).find((e) => e.server.name === 'ws');
  if (entry === undefined) throw new Error('the ws echo server (src/e2e/servers/ws.ts) is missing');
  return ServerProcess.start(entry);
}

/** The CPU ratio line: ours / reference client CPU per message (below 1 = ours cheaper). */
export function cpuRatioLine(
  medians: ReadonlyMap<string, number>,
  target?: { reference: string; atMost: number },
): string | undefined {
  const ours = medians.get('ours');
  if (ours === undefined) return undefined;
  const parts: string[] = [];
  for (const [name, value] of medians) {
    if (name === 'ours') continue;
    const r = ours / value;
    const met =
      target?.reference === name
        ? ` (target ≤ ${target.atMost.toFixed(2)}: ${r <= target.atMost ? 'met' : 'not met'})`
        : '';
    parts.push(`${name} ${Number.isFinite(r) ? r.toFixed(2) : 'n/a'}x${met}`);
  }
  return parts.length === 0 ? undefined : `    client CPU ours/ref: ${parts.join(', ')}`;
}

export const clientEchoSection: Section = {
  id: 'client-echo',
  title: 'client echo (client CPU per message)',
  async run(ctx: SectionContext) {
    ctx.log(
      '### client echo: our client vs ws vs Node 22 WebSocket, against the ws server (child process)',
    );
    ctx.log(
      "    ours and ws both read echoes through their 'message' event and send without a callback",
    );
    const server = await startWsServer();
    const clients: EchoClient[] = [];
    let node22: Node22Client | undefined;
    try {
      const port = server.port;
      const ours = await openOursEvents(port).catch((error: Error) => error.message);
      if (typeof ours === 'string') return ctx.unavailable('@ws/client', ours);
      clients.push(ours);
      const ws = await openWs(port);
      clients.push(ws);
      ctx.status('starting Node 22 through npx');
      const started = await Node22Client.open(port);
      if (typeof started === 'string') ctx.log(`    Node 22 WebSocket skipped: ${started}`);
      else node22 = started;

      for (const client of clients) {
        const problem = await verifyClient(client).catch((error: Error) => error.message);
        ctx.check(
          `${client.name} client: echoes of 0 B, 125 B, 126 B and 70 KiB payloads intact`,
          problem === undefined,
          problem,
        );
      }
      if (node22 !== undefined) {
        const problem = await node22.verify();
        ctx.check(
          'Node 22 WebSocket: echoes of 0 B, 125 B, 126 B and 70 KiB payloads intact',
          problem === undefined,
          problem,
        );
      }
      if (ctx.failedChecks() > 0) return;

      const prng = new Prng(0xc12);
      for (const workload of CLIENT_ECHO_WORKLOADS) {
        const problems: string[] = [];
        const payload = prng.bytes(workload.payloadSize);
        const candidates = [
          inProcessCandidate(ours, 'ours', workload, payload, problems),
          inProcessCandidate(ws, 'reference', workload, payload, problems),
          ...(node22 === undefined ? [] : [node22Candidate(node22, workload, problems)]),
        ];
        const result = await ctx.bench({
          id: workload.id,
          title: workload.title,
          opName: 'message',
          bytesPerOp: workload.payloadSize,
          fixedIterations: workload.messages[ctx.options.quick ? 1 : 0],
          rounds: Math.min(ctx.options.rounds, MAX_CLIENT_ROUNDS),
          candidates,
        });
        const cpu = new Map(
          result.candidates.map((c) => [c.name, c.medianMetrics.clientCpuUsPerMsg ?? Number.NaN]),
        );
        ctx.log(
          `    client CPU µs/message: ${[...cpu].map(([name, v]) => `${name} ${v.toFixed(2)}`).join(', ')}`,
        );
        const line = cpuRatioLine(cpu, { reference: 'ws', atMost: CPU_TARGET });
        if (line !== undefined) ctx.log(line);
        ctx.check(
          `${workload.title}: every message echoed with its length in every round`,
          problems.length === 0,
          problems[0],
        );
      }
    } finally {
      for (const client of clients) await client.close().catch(() => undefined);
      await node22?.stop();
      await server.process.stop();
    }
  },
};
