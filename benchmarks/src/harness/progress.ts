import { now } from './clock.js';

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/**
 * Report lines plus a status line saying what is running. On a TTY the status line is redrawn
 * in place; otherwise status changes are printed as plain lines, at most one per `plainEveryMs`.
 */
export class Progress {
  private statusShown = false;
  private lastPlain = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly out: Output = process.stdout,
    private readonly tty: boolean = out.isTTY === true,
    private readonly plainEveryMs = 2000,
  ) {}

  log(line: string): void {
    this.clearStatus();
    this.out.write(`${line}\n`);
  }

  status(text: string): void {
    if (this.tty) {
      const width = (process.stdout.columns || 100) - 1;
      this.out.write(`\r\x1b[K… ${text.slice(0, Math.max(10, width - 2))}`);
      this.statusShown = true;
      return;
    }
    const t = now() * 1000;
    if (t - this.lastPlain < this.plainEveryMs) return;
    this.lastPlain = t;
    this.out.write(`  … ${text}\n`);
  }

  clearStatus(): void {
    if (this.tty && this.statusShown) this.out.write('\r\x1b[K');
    this.statusShown = false;
  }
}
