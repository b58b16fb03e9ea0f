import { Deflater, Inflater } from '@ws/permessage-deflate';
import { asBuffer, equalBytes, KiB } from '../bytes.js';
import { type MemoryImpl, measureInChild } from '../e2e/deflate-memory.js';
import type { Candidate, Sample, Section, SectionContext } from '../harness/types.js';
import {
  type WsPerMessageDeflate,
  wsCompress,
  wsDecompress,
  wsServerDeflate,
} from '../implementations/ws-deflate.js';
import { jsonLikePayload } from '../payloads.js';
import { Prng } from '../prng.js';

/** Inflation limit for the runs: the default maxMessageSize (64 MiB). */
const MAX_SIZE = 64 * 1024 * 1024;

export interface DeflateWorkload {
  id: string;
  title: string;
  kind: 'json' | 'random';
  size: number;
  /** Messages per round: [full run, quick run]. */
  messages: [number, number];
}

export const DEFLATE_WORKLOADS: readonly DeflateWorkload[] = (['json', 'random'] as const).flatMap(
  (kind) =>
    (
      [
        [1 * KiB, '1KiB', [2000, 300]],
        [16 * KiB, '16KiB', [400, 60]],
        [256 * KiB, '256KiB', [30, 6]],
      ] as const
    ).map(([size, label, messages]) => ({
      id: `deflate.${kind}.${label}`,
      title: `deflate + inflate ${kind} ${label}`,
      kind,
      size,
      messages: [...messages] as [number, number],
    })),
);

/**
 * Distinct messages sent in turn: with context takeover a message identical to one still in the
 * 32 KiB window compresses to a few bytes of back-references (1 KiB random bytes came out at
 * 0.013 of their size), so the cycle spans at least 128 KiB, four windows.
 */
export function distinctMessages(size: number): number {
  return Math.max(2, Math.ceil((128 * KiB) / Math.max(size, 1)));
}

/** Compressed / original size; a sample's rounds all agree, so the median is that figure. */
export function compressionRatio(original: number, compressed: number): number {
  return original === 0 ? Number.NaN : compressed / original;
}

/** Connections (server-side deflate states) per memory round: [full, quick]. */
export const MEMORY_CONNECTIONS: [number, number] = [400, 100];

/** One direction each way of a connection with context takeover: compress, then inflate it. */
interface RoundTrip {
  name: string;
  role: Candidate['role'];
  /** Compresses and inflates one message; the compressed length, or a problem. */
  once(payload: Uint8Array): Promise<{ compressed: number; back: Uint8Array } | string>;
  close(): void;
}

function oursRoundTrip(): RoundTrip {
  const deflater = new Deflater(15, false);
  const inflater = new Inflater(15, false);
  return {
    name: 'ours',
    role: 'ours',
    async once(payload) {
      const compressed = await deflater.deflate(payload);
      const result = await inflater.inflate(compressed, MAX_SIZE);
      return result.ok ? { compressed: compressed.length, back: result.data } : result.message;
    },
    close() {
      deflater.close();
      inflater.close();
    },
  };
}

function wsRoundTrip(): RoundTrip {
  const extension: WsPerMessageDeflate = wsServerDeflate(true);
  return {
    name: 'ws PerMessageDeflate',
    role: 'reference',
    async once(payload) {
      const compressed = await wsCompress(extension, asBuffer(payload));
      const back = await wsDecompress(extension, compressed);
      return { compressed: compressed.length, back };
    },
    close() {
      extension.cleanup();
    },
  };
}

function throughputCandidate(
  trip: RoundTrip,
  messages: readonly Uint8Array[],
  problems: string[],
): Candidate {
  const size = messages[0]!.length;
  let next = 0;
  return {
    name: trip.name,
    role: trip.role,
    async run(iterations: number): Promise<Sample> {
      let compressedBytes = 0;
      const start = process.hrtime.bigint();
      for (let i = 0; i < iterations; i++) {
        const payload = messages[next]!;
        next = (next + 1) % messages.length;
        const result = await trip.once(payload);
        if (typeof result === 'string') {
          problems.push(`${trip.name}: ${result}`);
          break;
        }
        if (result.back.length !== payload.length)
          problems.push(`${trip.name}: ${payload.length} B came back as ${result.back.length} B`);
        compressedBytes += result.compressed;
      }
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      return {
        ops: iterations,
        seconds,
        bytes: iterations * size,
        metrics: { compressedRatio: compressionRatio(iterations * size, compressedBytes) },
      };
    },
    dispose: () => trip.close(),
  };
}

function memoryCandidate(
  impl: MemoryImpl,
  contextTakeover: boolean,
  problems: string[],
): Candidate {
  const name = impl === 'ours' ? 'ours' : 'ws PerMessageDeflate';
  return {
    name,
    role: impl === 'ours' ? 'ours' : 'reference',
    async run(iterations: number): Promise<Sample> {
      const run = await measureInChild(impl, contextTakeover, iterations);
      if (typeof run === 'string') {
        problems.push(`${name}: ${run}`);
        return { ops: 0, seconds: 1 };
      }
      return {
        ops: iterations,
        seconds: run.seconds,
        metrics: {
          deflateRssPerConnKiB: run.rssPerConn / 1024,
          deflateExternalPerConnKiB: run.externalPerConn / 1024,
          deflateHeapPerConnKiB: run.heapPerConn / 1024,
        },
      };
    },
  };
}

/**
 * Each side's output must inflate back, and each side must inflate the other's (both are raw
 * DEFLATE with the RFC 7692 §7.2.1 tail removed), over several messages sharing one window.
 */
async function checkRoundTrips(
  ctx: SectionContext,
  payloads: readonly Uint8Array[],
): Promise<void> {
  const problem = await (async () => {
    const deflater = new Deflater(15, false);
    const inflater = new Inflater(15, false);
    const ws = wsServerDeflate(true);
    const wsPeer = wsServerDeflate(true);
    try {
      for (const payload of payloads) {
        const ours = await deflater.deflate(payload);
        const theirs = await wsCompress(ws, asBuffer(payload));
        const oursByWs = await wsDecompress(wsPeer, asBuffer(ours));
        const theirsByOurs = await inflater.inflate(theirs, MAX_SIZE);
        if (!equalBytes(oursByWs, payload))
          return `ws inflated our ${payload.length} B message wrong`;
        if (!theirsByOurs.ok || !equalBytes(theirsByOurs.data, payload))
          return `we inflated ws's ${payload.length} B message wrong`;
      }
      return undefined;
    } finally {
      deflater.close();
      inflater.close();
      ws.cleanup();
      wsPeer.cleanup();
    }
  })().catch((error: Error) => error.message);
  ctx.check(
    'ours and ws inflate each other’s messages intact, context kept across messages (0 B – 256 KiB)',
    problem === undefined,
    problem,
  );
}

export const deflateSection: Section = {
  id: 'deflate',
  title: 'permessage-deflate',
  async run(ctx: SectionContext) {
    ctx.log('### permessage-deflate (RFC 7692): extension level, ours vs ws PerMessageDeflate');
    const prng = new Prng(0xdef);
    const messagesFor = (w: DeflateWorkload) =>
      Array.from({ length: distinctMessages(w.size) }, (_, i) =>
        w.kind === 'json' ? jsonLikePayload(w.size, 0xdef0 + w.size + i) : prng.bytes(w.size),
      );
    const messageSets = DEFLATE_WORKLOADS.map(messagesFor);
    const firsts = messageSets.map((set) => set[0]!);
    await checkRoundTrips(ctx, [new Uint8Array(0), ...firsts, firsts[0]!, firsts[0]!]);
    if (ctx.failedChecks() > 0) return;

    for (const [i, workload] of DEFLATE_WORKLOADS.entries()) {
      const problems: string[] = [];
      const messages = messageSets[i]!;
      const result = await ctx.bench({
        id: workload.id,
        title: workload.title,
        opName: 'message',
        bytesPerOp: workload.size,
        fixedIterations: workload.messages[ctx.options.quick ? 1 : 0],
        candidates: [
          throughputCandidate(oursRoundTrip(), messages, problems),
          throughputCandidate(wsRoundTrip(), messages, problems),
        ],
      });
      const ratios = result.candidates.map(
        (c) => `${c.name} ${(c.medianMetrics.compressedRatio ?? Number.NaN).toFixed(3)}`,
      );
      ctx.log(`    compressed/original: ${ratios.join(', ')}`);
      const ours = result.candidates.find((c) => c.primary)?.medianMetrics.compressedRatio;
      // JSON-like text compresses well whoever does it; random bytes cannot shrink, and stored
      // blocks add only 5 bytes per 64 KiB (RFC 1951 §3.2.4).
      const [low, high] = workload.kind === 'json' ? [0.01, 0.5] : [0.99, 1.01];
      ctx.check(
        `${workload.title}: every message inflated back to its size; ours compresses to ${low}–${high} of the original`,
        problems.length === 0 && ours !== undefined && ours >= low && ours <= high,
        problems[0] ?? `compressed/original ${ours?.toFixed(3)}`,
      );
    }

    const count = MEMORY_CONNECTIONS[ctx.options.quick ? 1 : 0];
    for (const contextTakeover of [true, false]) {
      const problems: string[] = [];
      const result = await ctx.bench({
        id: `deflate.memory.${contextTakeover ? 'takeover' : 'no-takeover'}`,
        title: `${count} compressed connections, context takeover ${contextTakeover ? 'on' : 'off'}`,
        opName: 'connection',
        fixedIterations: count,
        rounds: Math.min(ctx.options.rounds, ctx.options.quick ? 1 : 3),
        candidates: [
          memoryCandidate('ours', contextTakeover, problems),
          memoryCandidate('ws', contextTakeover, problems),
        ],
      });
      for (const c of result.candidates) {
        const m = c.medianMetrics;
        ctx.log(
          `    ${c.name}: ${m.deflateRssPerConnKiB?.toFixed(1)} KiB RSS, ${m.deflateExternalPerConnKiB?.toFixed(1)} KiB V8 external, ${m.deflateHeapPerConnKiB?.toFixed(1)} KiB JS heap per connection`,
        );
      }
      ctx.check(
        `${count} compressed connections set up in every round (takeover ${contextTakeover ? 'on' : 'off'})`,
        problems.length === 0,
        problems[0],
      );
    }
  },
};
