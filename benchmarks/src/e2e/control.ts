/**
 * The line protocol between the benchmark and a server process (Node or Bun), over the
 * server's stdin/stdout so any runtime can speak it:
 *   server → `READY <port>` once it listens on 127.0.0.1;
 *   `CPU` → `CPU <user µs> <system µs>` (its own process.cpuUsage());
 *   `MEM` → `MEM <rss> <heapUsed> <young>` in bytes, after a full GC where the runtime allows
 *     one; `young` is the physical size of V8's young generation (0 where there is none, Bun);
 *   `GC` → `GC` after a full GC (sent right before each `BCAST`, so the GC is not timed);
 *   `BCAST <size> <seq>` → one message of `broadcastPayload(size, seq)` sent to every client
 *     the server's own way, answered by `BCAST <clients> <cpu µs> <call µs> <buffer bytes>
 *     <heap bytes> <GCs>` (see `measureBroadcast`), or `BCAST ERR <reason>`;
 *   stdin closed → the server exits.
 * Every server script calls `serveControl` from its main code; nothing else touches stdio.
 */

import * as v8 from 'node:v8';

/** Set in a server process's environment; a server script starts only when it is. */
export const SERVER_ENV = 'WS_BENCH_E2E_SERVER';

export function isServerProcess(): boolean {
  return process.env[SERVER_ENV] === '1';
}

/** node --expose-gc gives gc(); Bun has Bun.gc(true). */
function fullGc(): void {
  const g = globalThis as { gc?: () => void; Bun?: { gc(force: boolean): void } };
  if (g.gc) g.gc();
  else g.Bun?.gc(true);
}

export type ControlCommand =
  | { kind: 'CPU' }
  | { kind: 'MEM' }
  | { kind: 'GC' }
  | { kind: 'BCAST'; size: number; seq: number };

/** The largest payload a `BCAST` may ask for (a guard against a garbled line, not a limit of the servers). */
export const MAX_BROADCAST_SIZE = 16 * 1024 * 1024;

/** One line from the benchmark, parsed; undefined for anything else (ignored by the server). */
export function parseCommand(line: string): ControlCommand | undefined {
  const text = line.trim();
  if (text === 'CPU' || text === 'MEM' || text === 'GC') return { kind: text };
  const match = /^BCAST (\d{1,9}) (\d{1,9})$/.exec(text);
  if (match === null) return undefined;
  const size = Number(match[1]);
  if (size > MAX_BROADCAST_SIZE) return undefined;
  return { kind: 'BCAST', size, seq: Number(match[2]) };
}

/**
 * The payload of broadcast number `seq`: `size` bytes that differ from one `seq` to the next,
 * so a client that got a stale or mixed-up message fails the byte-for-byte check.
 */
export function broadcastPayload(size: number, seq: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = (seq * 0x9e3779b1 + 0x7f4a7c15) >>> 0;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

/** What a server reports about one broadcast. */
export interface BroadcastReport {
  /** Clients the message was written to (the server's own count). */
  clients: number;
  /** The server process's CPU time (user + system) from the call until its next macrotask, µs. */
  cpuUs: number;
  /** Wall-clock duration of the synchronous broadcast call, µs. */
  callUs: number;
  /** Buffer bytes allocated during the call (`arrayBuffers` growth plus what GCs in it freed). */
  bufferBytes: number;
  /** JS heap bytes allocated during the call (`heapUsed` growth plus what GCs in it freed). */
  heapBytes: number;
  /** Garbage collections that ran during the call (scavenges, mostly). */
  gcs: number;
}

export function formatBroadcastReport(report: BroadcastReport): string {
  return `BCAST ${report.clients} ${Math.round(report.cpuUs)} ${Math.round(report.callUs)} ${report.bufferBytes} ${report.heapBytes} ${report.gcs}`;
}

/** The server's answer to `BCAST`: a report, or the reason it could not broadcast. */
export function parseBroadcastReport(line: string): BroadcastReport | { error: string } {
  const error = /^BCAST ERR (.*)$/.exec(line);
  if (error !== null) return { error: error[1]! };
  const match = /^BCAST (\d+) (\d+) (\d+) (-?\d+) (-?\d+) (\d+)$/.exec(line);
  if (match === null) return { error: `not a BCAST answer: ${line.slice(0, 200)}` };
  return {
    clients: Number(match[1]),
    cpuUs: Number(match[2]),
    callUs: Number(match[3]),
    bufferBytes: Number(match[4]),
    heapBytes: Number(match[5]),
    gcs: Number(match[6]),
  };
}

/** A server's broadcast: sends `data` (binary) to every client it holds, returns how many. */
export type Broadcast = (data: Uint8Array) => number;

interface GcStatistics {
  beforeGC: { heapStatistics: { usedHeapSize: number; externalMemory: number } };
  afterGC: { heapStatistics: { usedHeapSize: number; externalMemory: number } };
}
type GcProfilerClass = new () => { start(): void; stop(): { statistics: GcStatistics[] } };

/**
 * Resident bytes of V8's young generation (`new_space`). It grows to 2 × 16 MiB during a burst
 * of handshakes and only V8's memory reducer (8–30 s later, not a forced GC) gives it back, so
 * where its allocation pointer happens to stand moved our RSS per idle connection between
 * 1.0× and 1.12× ws's at 5,000 connections with no connection holding more: RSS without it is
 * the steadier figure. 0 where the runtime reports no such space (Bun).
 */
function youngGenerationBytes(): number {
  try {
    const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    return space?.physical_space_size ?? 0;
  } catch {
    return 0;
  }
}

/** Node's v8.GCProfiler (Node 20+); undefined where the runtime has none (Bun). */
const GcProfiler = (v8 as { GCProfiler?: GcProfilerClass }).GCProfiler;

/**
 * Runs one broadcast and measures it from inside the server process. Bytes allocated are read
 * as the growth, across the synchronous call, of `process.memoryUsage().arrayBuffers` (every
 * Buffer/ArrayBuffer backing store: a per-client frame or header shows here, Buffer's 8 KiB
 * pool slabs in whole steps) and of `heapUsed` (the JS objects a per-client send loop leaves:
 * Buffer views, write requests, callbacks). The benchmark sends `GC` just before, so the young
 * generation is empty; should a GC still run mid-call and free part of what the call
 * allocated, a `v8.GCProfiler` over the call adds back what each GC freed, and the count is
 * reported (none ran in the 5,000-client runs measured here). Native copies (Bun's
 * uWebSockets, the kernel's socket buffers) are not visible here: Bun reports zero. CPU runs
 * until the next macrotask, so the stream callbacks the writes queued are counted.
 */
function measureBroadcast(broadcast: Broadcast, size: number, seq: number): Promise<string> {
  const data = Buffer.from(broadcastPayload(size, seq).buffer);
  const profiler = GcProfiler === undefined ? undefined : new GcProfiler();
  profiler?.start();
  const memoryBefore = process.memoryUsage();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const clients = broadcast(data);
  const callUs = (performance.now() - started) * 1000;
  const memoryAfter = process.memoryUsage();
  const gcs = profiler?.stop().statistics ?? [];
  let freedHeap = 0;
  let freedExternal = 0;
  for (const gc of gcs) {
    freedHeap += gc.beforeGC.heapStatistics.usedHeapSize - gc.afterGC.heapStatistics.usedHeapSize;
    freedExternal +=
      gc.beforeGC.heapStatistics.externalMemory - gc.afterGC.heapStatistics.externalMemory;
  }
  return new Promise((resolve) => {
    setImmediate(() => {
      const cpu = process.cpuUsage(cpuBefore);
      resolve(
        formatBroadcastReport({
          clients,
          cpuUs: cpu.user + cpu.system,
          callUs,
          bufferBytes:
            (memoryAfter.arrayBuffers ?? 0) - (memoryBefore.arrayBuffers ?? 0) + freedExternal,
          heapBytes: memoryAfter.heapUsed - memoryBefore.heapUsed + freedHeap,
          gcs: gcs.length,
        }),
      );
    });
  });
}

export function serveControl(port: number, close: () => void, broadcast?: Broadcast): void {
  process.stdout.write(`READY ${port}\n`);
  let pending = '';
  // Commands are answered in order even when one (BCAST) finishes a tick later.
  let queue = Promise.resolve();
  const answer = (make: () => string | Promise<string>) => {
    queue = queue.then(async () => {
      const line = await Promise.resolve()
        .then(make)
        .catch((error: Error) => `ERR ${error.message.split('\n')[0]}`);
      process.stdout.write(`${line}\n`);
    });
  };
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (text: string) => {
    pending += text;
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
      const command = parseCommand(pending.slice(0, end));
      pending = pending.slice(end + 1);
      if (command?.kind === 'CPU') {
        answer(() => {
          const usage = process.cpuUsage();
          return `CPU ${usage.user} ${usage.system}`;
        });
      } else if (command?.kind === 'MEM') {
        answer(() => {
          fullGc();
          const memory = process.memoryUsage();
          return `MEM ${memory.rss} ${memory.heapUsed} ${youngGenerationBytes()}`;
        });
      } else if (command?.kind === 'GC') {
        answer(() => {
          fullGc();
          return 'GC';
        });
      } else if (command?.kind === 'BCAST') {
        const { size, seq } = command;
        answer(() =>
          broadcast === undefined
            ? 'BCAST ERR this server has no broadcast'
            : measureBroadcast(broadcast, size, seq).catch(
                (error: Error) => `BCAST ERR ${error.message.split('\n')[0]}`,
              ),
        );
      }
    }
  });
  process.stdin.on('end', () => {
    close();
    process.exit(0);
  });
}

/** The metadata every file in e2e/servers/ exports as `server`. */
export interface EchoServer {
  /** Label in the report: 'ws', 'Bun.serve', 'ours' … */
  name: string;
  /** 'ours' for @ws/server; the rest are references. */
  role: 'ours' | 'reference';
  runtime: 'node' | 'bun';
  /** One line for the README and report. */
  description: string;
  /** Sort key: lower runs first in a round. */
  order: number;
  /** A reason when the server cannot run here (package missing …); undefined when it can. */
  unavailable?(): Promise<string | undefined>;
}
