import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ChildLines } from './child-lines.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'node22-client.mjs');
/** A real Node 22 binary from the npm registry (TOOLCHAIN.md); cached after the first run. */
const NPX_ARGS = ['--no-update-notifier', '--loglevel=error', '--prefer-offline', '-y', 'node@22'];

export interface EchoReply {
  cpuMicros: number;
  seconds: number;
  problem?: string;
}

/** `ECHO <cpu µs> <seconds> <problem or ->` → its figures; a string says what was wrong. */
export function parseEchoReply(line: string): EchoReply | string {
  const match = /^ECHO (\d+) (\d+(?:\.\d+)?(?:e-?\d+)?) (.+)$/.exec(line);
  if (match === null) return `unexpected answer from the Node 22 client: ${line}`;
  const problem = match[3]!;
  return {
    cpuMicros: Number(match[1]),
    seconds: Number(match[2]),
    ...(problem === '-' ? {} : { problem }),
  };
}

/**
 * Node 22+'s global WebSocket in a child process (node22-client.mjs), spoken to over its
 * stdin/stdout, one command at a time.
 */
export class Node22Client {
  private readonly io: ChildLines;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    this.io = new ChildLines(child);
  }

  /** Starts the child and opens its connection; a string is the reason it could not. */
  static async open(port: number, timeoutMs = 120_000): Promise<Node22Client | string> {
    const child = spawn('npx', [...NPX_ARGS, SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    const client = new Node22Client(child);
    child.stdin.write(`OPEN ${port}\n`);
    const line = await client.io.next(timeoutMs);
    if (line === 'OPEN ok') return client;
    await client.stop();
    return `Node 22 could not be started through npx (${line}${client.io.stderr ? `: ${client.io.stderr.trim().split('\n').at(-1)}` : ''})`;
  }

  async echo(size: number, count: number, burst: number): Promise<EchoReply> {
    this.child.stdin.write(`ECHO ${size} ${count} ${burst}\n`);
    const reply = parseEchoReply(await this.io.next(60_000));
    if (typeof reply === 'string') return { cpuMicros: 0, seconds: 0, problem: reply };
    return reply;
  }

  /** The child's own check: 0 B, 125 B, 126 B and 70 KiB payloads echoed intact. */
  async verify(): Promise<string | undefined> {
    this.child.stdin.write('VERIFY\n');
    const line = await this.io.next(60_000);
    return line === 'VERIFY ok' ? undefined : line.replace(/^VERIFY /, '');
  }

  /** Closes its stdin (it exits by itself); kills this one child if it has not gone in 5 s. */
  async stop(): Promise<void> {
    if (this.io.exited) return;
    this.child.stdin.end();
    const gone = await this.io.next(5_000);
    if (gone !== 'EXIT' && !this.io.exited) this.child.kill('SIGKILL');
  }
}
