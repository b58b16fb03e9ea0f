import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ChildLines } from './child-lines.js';
import {
  type BroadcastReport,
  type EchoServer,
  parseBroadcastReport,
  SERVER_ENV,
} from './control.js';
import { findBun } from './servers/bun.js';

/** tsx's loader (its package entry point), so Node server scripts run from their .ts source. */
export const TSX_LOADER = pathToFileURL(
  join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'loader.mjs'),
).href;

const SERVERS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'servers');

export interface ServerEntry {
  server: EchoServer;
  file: string;
}

/**
 * Every server script in e2e/servers/, sorted by `order`. A new server (ours, once @ws/server
 * exists) is one new file there exporting `server` and starting when isServerProcess().
 */
export async function discoverServers(): Promise<ServerEntry[]> {
  const files = (await readdir(SERVERS_DIR)).filter((f) => f.endsWith('.ts')).sort();
  const entries: ServerEntry[] = [];
  for (const file of files) {
    const path = join(SERVERS_DIR, file);
    const module = (await import(pathToFileURL(path).href)) as { server?: EchoServer };
    if (module.server !== undefined) entries.push({ server: module.server, file: path });
  }
  return entries.sort((a, b) => a.server.order - b.server.order);
}

/** A running server child process, spoken to over its stdin/stdout (see control.ts). */
export class ServerProcess {
  private readonly io: ChildLines;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    this.io = new ChildLines(child);
  }

  static async start(
    entry: ServerEntry,
    timeoutMs = 60_000,
  ): Promise<{ process: ServerProcess; port: number }> {
    const env = { ...process.env, [SERVER_ENV]: '1' };
    let command: string;
    let args: string[];
    if (entry.server.runtime === 'bun') {
      const bun = await findBun();
      if (typeof bun !== 'string') throw new Error(bun.error);
      command = bun;
      args = [entry.file];
    } else {
      command = process.execPath;
      args = ['--expose-gc', '--import', TSX_LOADER, entry.file];
    }
    const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const server = new ServerProcess(entry.server.name, child);
    const line = await server.io.next(timeoutMs);
    const match = /^READY (\d+)$/.exec(line);
    if (match === null) {
      server.stop();
      throw new Error(`${entry.server.name} did not start: ${line} ${server.io.stderr}`);
    }
    return { process: server, port: Number(match[1]) };
  }

  /** The server process's own CPU time so far (user + system), in microseconds. */
  async cpuMicros(): Promise<number> {
    this.child.stdin.write('CPU\n');
    const line = await this.io.next(10_000);
    const match = /^CPU (\d+) (\d+)$/.exec(line);
    if (match === null) throw new Error(`${this.name}: no CPU answer (${line}) ${this.io.stderr}`);
    return Number(match[1]) + Number(match[2]);
  }

  /** The server process's resident set size and JS heap in use, in bytes, after a full GC. */
  async memory(): Promise<{ rss: number; heapUsed: number; young: number }> {
    this.child.stdin.write('MEM\n');
    const line = await this.io.next(10_000);
    const match = /^MEM (\d+) (\d+) (\d+)$/.exec(line);
    if (match === null) throw new Error(`${this.name}: no MEM answer (${line}) ${this.io.stderr}`);
    return { rss: Number(match[1]), heapUsed: Number(match[2]), young: Number(match[3]) };
  }

  /** Has the server run a full GC; resolves once it has. */
  async collectGarbage(): Promise<void> {
    this.child.stdin.write('GC\n');
    const line = await this.io.next(30_000);
    if (line !== 'GC') throw new Error(`${this.name}: no GC answer (${line}) ${this.io.stderr}`);
  }

  /**
   * Has the server send message number `seq` (`broadcastPayload(size, seq)`) to every client;
   * resolves with the server's own measurement of it (see control.ts).
   */
  async broadcast(size: number, seq: number): Promise<BroadcastReport> {
    this.child.stdin.write(`BCAST ${size} ${seq}\n`);
    const line = await this.io.next(30_000);
    const report = parseBroadcastReport(line);
    if ('error' in report)
      throw new Error(`${this.name}: broadcast failed (${report.error}) ${this.io.stderr}`);
    return report;
  }

  /** Closes its stdin (it exits by itself); kills this one child if it has not gone in 5 s. */
  async stop(): Promise<void> {
    if (this.io.exited) return;
    this.child.stdin.end();
    const gone = await this.io.next(5_000);
    if (gone !== 'EXIT' && !this.io.exited) this.child.kill('SIGKILL');
  }
}
