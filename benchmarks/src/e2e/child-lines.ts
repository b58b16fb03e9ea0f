import type { ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * The line protocol both child processes speak (servers, the Node 22 client): stdout is read as
 * lines, each handed to the next waiter; stderr keeps a short tail for error messages; the
 * child's exit reads as the line 'EXIT'.
 */
export class ChildLines {
  private lines: string[] = [];
  private waiters: ((line: string) => void)[] = [];
  private exitedFlag = false;
  private stderrTail = '';

  constructor(child: ChildProcessWithoutNullStreams) {
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      pending += text;
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        this.deliver(pending.slice(0, end).trim());
        pending = pending.slice(end + 1);
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      this.stderrTail = (this.stderrTail + text).slice(-2000);
    });
    child.on('error', (error) => {
      this.stderrTail += error.message;
    });
    child.on('exit', () => {
      this.exitedFlag = true;
      this.deliver('EXIT');
    });
  }

  get exited(): boolean {
    return this.exitedFlag;
  }

  /** The last 2000 characters the child wrote to stderr (and spawn errors). */
  get stderr(): string {
    return this.stderrTail;
  }

  /** The next line, 'EXIT' once the child is gone, or 'TIMEOUT' after `timeoutMs`. */
  next(timeoutMs: number): Promise<string> {
    const ready = this.lines.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.exitedFlag) return Promise.resolve('EXIT');
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== settle);
        resolve('TIMEOUT');
      }, timeoutMs);
      const settle = (line: string) => {
        clearTimeout(timer);
        resolve(line);
      };
      this.waiters.push(settle);
    });
  }

  private deliver(line: string): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(line);
    else this.lines.push(line);
  }
}
