import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { equalBytes } from '../bytes.js';
import { type BroadcastReport, broadcastPayload } from './control.js';
import { FrameCounter, holdConnections } from './load.js';
import type { ServerProcess } from './server-process.js';

/**
 * The broadcast workload's client side: `clients` connections held to one server process,
 * then one message per entry of `sizes`, each asked of the server with `BCAST` (after a `GC`) and timed
 * from the command until every client has the whole frame. Frames are counted per socket from
 * their headers alone; every `SAMPLE_EVERY`-th client keeps its payloads for a byte-for-byte
 * check.
 */

export const SAMPLE_EVERY = 97;

export interface BroadcastSpec {
  port: number;
  clients: number;
  /** One payload size per broadcast: broadcast k sends `broadcastPayload(sizes[k], firstSeq + k)`. */
  sizes: readonly number[];
  /** The first message's sequence number (each message's payload depends on it). */
  firstSeq: number;
  /** Time for the server to register the last connections before the first broadcast. */
  settleMs: number;
  /** Hang guard for one broadcast's delivery. */
  deliveryLimitMs: number;
}

export interface BroadcastRun {
  /** Command → last client's frame complete, ms, one per broadcast. */
  deliveryMs: number[];
  /** The server's own report of each broadcast. */
  reports: BroadcastReport[];
  /** Seconds to open the connections (handshakes 50 at a time). */
  openSeconds: number;
  problem?: string;
}

/**
 * Why a sampled client's frames are not exactly the first `count` messages of `sizes` from
 * `firstSeq` on; undefined when they are.
 */
export function checkSampledFrames(
  counter: FrameCounter,
  sizes: readonly number[],
  firstSeq: number,
  count: number,
): string | undefined {
  if (counter.payloads.length !== count)
    return `a sampled client got ${counter.payloads.length} frames, expected ${count}`;
  for (let i = 0; i < count; i++) {
    // RFC 6455 §5.2/§5.1: FIN set, binary opcode, and the server's frames unmasked.
    if (counter.firstBytes[i] !== 0x82)
      return `message ${i + 1} began with 0x${counter.firstBytes[i]!.toString(16)}, not a final binary frame (0x82)`;
    if (!equalBytes(counter.payloads[i]!, broadcastPayload(sizes[i]!, firstSeq + i)))
      return `message ${i + 1} arrived with different bytes (${counter.payloads[i]!.length} B)`;
  }
  return undefined;
}

export async function runBroadcasts(
  server: ServerProcess,
  spec: BroadcastSpec,
): Promise<BroadcastRun> {
  const deliveryMs: number[] = [];
  const reports: BroadcastReport[] = [];
  let problem: string | undefined;
  const held = await holdConnections(spec.port, spec.clients, async (sockets) => {
    const counters = sockets.map((_, i) => new FrameCounter(i % SAMPLE_EVERY === 0));
    const received = new Int32Array(sockets.length);
    let target = 0;
    let waiting = 0;
    let lastArrival = 0;
    let allArrived: (() => void) | undefined;
    sockets.forEach((socket, i) => {
      socket.on('data', (chunk: Buffer) => {
        const frames = counters[i]!.feed(chunk);
        if (frames === 0) return;
        const before = received[i]!;
        received[i] = before + frames;
        if (received[i]! > target)
          problem ??= `a client got ${received[i]} frames after ${target} broadcasts`;
        if (before < target && received[i]! >= target && --waiting === 0) {
          lastArrival = performance.now();
          allArrived?.();
        }
      });
    });
    await delay(spec.settleMs);
    for (let k = 1; k <= spec.sizes.length && problem === undefined; k++) {
      await server.collectGarbage();
      target = k;
      waiting = sockets.length;
      const arrived = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), spec.deliveryLimitMs);
        allArrived = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      const started = performance.now();
      const [report, complete] = await Promise.all([
        server.broadcast(spec.sizes[k - 1]!, spec.firstSeq + k - 1).catch((error: Error) => {
          problem ??= error.message;
          return undefined;
        }),
        arrived,
      ]);
      if (report === undefined) break;
      reports.push(report);
      if (!complete) {
        problem ??= `broadcast ${k}: ${waiting} of ${sockets.length} clients still without it after ${spec.deliveryLimitMs} ms`;
        break;
      }
      if (report.clients !== sockets.length)
        problem ??= `broadcast ${k}: the server wrote to ${report.clients} clients, ${sockets.length} are connected`;
      deliveryMs.push(lastArrival - started);
    }
    // A frame too many arrives after the last count reached its target: give it a moment.
    await delay(20);
    for (let i = 0; i < sockets.length && problem === undefined; i++) {
      if (received[i] !== deliveryMs.length)
        problem = `a client got ${received[i]} frames for ${deliveryMs.length} broadcasts`;
      else if (i % SAMPLE_EVERY === 0)
        problem = checkSampledFrames(counters[i]!, spec.sizes, spec.firstSeq, deliveryMs.length);
    }
  });
  problem ??= held.problem;
  if (held.opened !== spec.clients)
    problem ??= `opened ${held.opened} of ${spec.clients} connections`;
  return {
    deliveryMs,
    reports,
    openSeconds: held.seconds,
    ...(problem === undefined ? {} : { problem }),
  };
}
