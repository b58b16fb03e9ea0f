import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Deflater, Inflater } from '@ws/permessage-deflate';
import { asBuffer } from '../bytes.js';
import { wsCompress, wsDecompress, wsServerDeflate } from '../implementations/ws-deflate.js';
import { jsonLikePayload } from '../payloads.js';
import { TSX_LOADER } from './server-process.js';

/**
 * Memory per compressed connection, measured in a fresh process per round (a process that
 * already freed zlib streams would reuse that memory and hide the growth): `count` server-side
 * permessage-deflate states, each after one 2.4 KiB JSON message compressed and one inflated,
 * RSS / V8 external / JS heap growth after a full GC.
 */
export const MEMORY_ENV = 'WS_BENCH_DEFLATE_MEMORY';
const SETTLE_MS = 250;
const MESSAGE = jsonLikePayload(2400, 0xdef1);

export interface MemoryRun {
  seconds: number;
  rssPerConn: number;
  externalPerConn: number;
  heapPerConn: number;
}

export type MemoryImpl = 'ours' | 'ws';

export function parseMemoryReply(line: string): MemoryRun | string {
  const match = /^MEM (\S+) (\S+) (\S+) (\S+)$/.exec(line);
  const values = match?.slice(1).map(Number);
  if (values === undefined || values.some((v) => !Number.isFinite(v)))
    return `unexpected answer from the memory process: ${line}`;
  const [seconds, rssPerConn, externalPerConn, heapPerConn] = values as [
    number,
    number,
    number,
    number,
  ];
  return { seconds, rssPerConn, externalPerConn, heapPerConn };
}

interface Held {
  close(): void;
}

async function openOne(impl: MemoryImpl, contextTakeover: boolean): Promise<Held> {
  if (impl === 'ours') {
    // A server connection's two directions (RFC 7692 §7.1.1: no_context_takeover on both).
    const deflater = new Deflater(15, !contextTakeover);
    const inflater = new Inflater(15, !contextTakeover);
    const result = await inflater.inflate(await deflater.deflate(MESSAGE), 1 << 26);
    if (!result.ok || result.data.length !== MESSAGE.length)
      throw new Error('ours: bad round trip');
    return {
      close: () => {
        deflater.close();
        inflater.close();
      },
    };
  }
  const extension = wsServerDeflate(contextTakeover);
  const back = await wsDecompress(extension, await wsCompress(extension, asBuffer(MESSAGE)));
  if (back.length !== MESSAGE.length) throw new Error('ws: bad round trip');
  return { close: () => extension.cleanup() };
}

async function measureHere(impl: MemoryImpl, contextTakeover: boolean, count: number) {
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
  gc();
  await delay(SETTLE_MS);
  gc();
  const before = process.memoryUsage();
  const start = process.hrtime.bigint();
  const held: Held[] = [];
  for (let i = 0; i < count; i++) held.push(await openOne(impl, contextTakeover));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  gc();
  await delay(SETTLE_MS);
  gc();
  const after = process.memoryUsage();
  process.stdout.write(
    `MEM ${seconds} ${(after.rss - before.rss) / count} ${(after.external - before.external) / count} ${(after.heapUsed - before.heapUsed) / count}\n`,
  );
  for (const h of held) h.close();
}

/** One round in a fresh Node process (same binary, --expose-gc, tsx). */
export function measureInChild(
  impl: MemoryImpl,
  contextTakeover: boolean,
  count: number,
): Promise<MemoryRun | string> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', TSX_LOADER, fileURLToPath(import.meta.url)],
      {
        env: { ...process.env, [MEMORY_ENV]: `${impl},${contextTakeover ? 'on' : 'off'},${count}` },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      out += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      err = (err + text).slice(-1000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', () => {
      clearTimeout(timer);
      const reply = parseMemoryReply(out.trim());
      resolve(typeof reply === 'string' && err ? `${reply} ${err.trim()}` : reply);
    });
  });
}

const request = process.env[MEMORY_ENV];
if (request !== undefined) {
  const [impl, takeover, count] = request.split(',');
  await measureHere(impl as MemoryImpl, takeover === 'on', Number(count));
}
