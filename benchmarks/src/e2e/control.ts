/**
 * The line protocol between the benchmark and a server process (Node or Bun), over the
 * server's stdin/stdout so any runtime can speak it:
 *   server → `READY <port>` once it listens on 127.0.0.1;
 *   `CPU` → `CPU <user µs> <system µs>` (its own process.cpuUsage());
 *   `MEM` → `MEM <rss> <heapUsed>` in bytes, after a full GC where the runtime allows one;
 *   stdin closed → the server exits.
 * Every server script calls `serveControl` from its main code; nothing else touches stdio.
 */

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

export function serveControl(port: number, close: () => void): void {
  process.stdout.write(`READY ${port}\n`);
  let pending = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (text: string) => {
    pending += text;
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
      const command = pending.slice(0, end).trim();
      pending = pending.slice(end + 1);
      if (command === 'CPU') {
        const usage = process.cpuUsage();
        process.stdout.write(`CPU ${usage.user} ${usage.system}\n`);
      } else if (command === 'MEM') {
        fullGc();
        const memory = process.memoryUsage();
        process.stdout.write(`MEM ${memory.rss} ${memory.heapUsed}\n`);
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
