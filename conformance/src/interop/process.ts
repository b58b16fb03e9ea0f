/** Child processes for peers in other runtimes: started in their own group, ended by its id. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const PEERS_DIR = fileURLToPath(new URL('./peers/', import.meta.url));
export const PYTHON = '/usr/bin/python3';
export const NPX_FLAGS = ['--no-update-notifier', '--loglevel=error', '--prefer-offline', '-y'];

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a command to completion (killing its process group after `ms`). */
export function run(command: string, args: readonly string[], ms: number): Promise<Finished> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: PEERS_DIR,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      timedOut = true;
      stop(child);
    }, ms);
    child.on('error', (error) => {
      stderr += String(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/** Ends a child we started, with everything it started (npx → bun), by its process group id. */
export function stop(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    child.kill('SIGTERM');
  }
}

export interface ServerProcess {
  port: number;
  /** Lines printed after "listening PORT". */
  lines: string[];
  stop(): void;
}

/** Starts a peer server that prints "listening PORT" (within `ms`, which covers a first download). */
export function startServerProcess(
  command: string,
  args: readonly string[],
  ms: number,
): Promise<ServerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: PEERS_DIR,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: string[] = [];
    let buffer = '';
    let stderr = '';
    let port = 0;
    const timer = setTimeout(() => {
      stop(child);
      reject(new Error(`no "listening" line within ${ms} ms; stderr: ${stderr.slice(-400)}`));
    }, ms);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline = buffer.indexOf('\n');
      while (newline >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
        const match = /^listening (\d+)$/.exec(line);
        if (match && port === 0) {
          port = Number(match[1]);
          clearTimeout(timer);
          resolve({ port, lines, stop: () => stop(child) });
        } else if (line !== '') lines.push(line);
      }
    });
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (port === 0)
        reject(new Error(`exited with ${code} before listening; stderr: ${stderr.slice(-400)}`));
    });
  });
}

/** The JSON object on the last line of a peer client's output. */
export function lastJson<T>(finished: Finished): T {
  const line = finished.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(
      `peer printed no result (exit ${finished.code}${finished.timedOut ? ', timed out' : ''}): ${finished.stderr.slice(-400) || finished.stdout.slice(-400)}`,
    );
  }
}
