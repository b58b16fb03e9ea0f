import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { sansIoDemo } from '../src/sans-io.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('the custom-transport example', () => {
  it('runs a closing handshake between two sans-I/O Protocols', () => {
    const lines: string[] = [];
    const close = sansIoDemo((line) => lines.push(line));
    expect(close).toEqual({ type: 'close', code: 1000, reason: '', wasClean: true });
    expect(lines).toContain('  client got text: echo: hello over function calls');
    expect(lines).toContain('  client got pong: are you there?');
  });

  it('carries a WebSocket over a child process’s stdio (pnpm start)', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'src/main.ts'],
      { cwd: root, timeout: 30_000 },
    );
    expect(stdout).toContain('  received text: HELLO, CHILD PROCESS… (20 chars)');
    expect(stdout).toContain('  received binary: [4, 3, 2, 1]');
    expect(stdout).toContain('  closed: code 1000, clean true');
    expect(stdout).toContain('  child exited with code 0');
    expect(stderr).toContain('[child] closed: code 1000 "bye", clean true');
  }, 40_000);
});
