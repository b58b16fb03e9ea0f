import type { Transport, TransportController } from '../transport.js';
import { deferTask } from './defer.js';

function noop(): void {}

/**
 * A Transport over a WHATWG `ReadableStream<Uint8Array>` / `WritableStream<Uint8Array>` pair:
 * any runtime's socket (Deno, Bun, Cloudflare), a QUIC stream, or an in-memory pipe.
 * Backpressure follows the streams: nothing is read while paused, and bufferedAmount counts
 * the bytes whose `write()` has not resolved yet.
 */
export class StreamTransport implements Transport {
  private controller: TransportController | null = null;
  private reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  private writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  private buffered = 0;
  private paused = false;
  private wake: (() => void) | null = null;
  private readDone = false;
  private writeDone = false;
  private isClosed = false;

  constructor(
    private readonly readable: ReadableStream<Uint8Array>,
    private readonly writable: WritableStream<Uint8Array>,
  ) {}

  start(controller: TransportController): void {
    this.controller = controller;
    this.reader = this.readable.getReader();
    this.writer = this.writable.getWriter();
    this.writer.closed.then(
      () => this.writeFinished(),
      () => this.writeFinished(),
    );
    void this.readLoop();
  }

  write(parts: readonly Uint8Array[]): void {
    const writer = this.writer!;
    let bytes = 0;
    for (const part of parts) bytes += part.length;
    this.buffered += bytes;
    const last = parts.length - 1;
    for (let i = 0; i < last; i++) writer.write(parts[i]!).catch(noop);
    writer.write(parts[last]!).then(
      () => {
        this.buffered -= bytes;
        this.controller!.written();
        this.controller!.drain();
      },
      (error: unknown) => {
        this.buffered -= bytes;
        this.controller!.written(error ?? new Error('write failed'));
      },
    );
  }

  get bufferedAmount(): number {
    return this.buffered;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  end(): void {
    this.writer!.close().catch(noop);
  }

  destroy(): void {
    this.readDone = this.writeDone = true;
    this.reader!.cancel().catch(noop);
    this.writer!.abort().catch(noop);
    this.resume();
    this.finish();
  }

  defer(task: () => void): void {
    deferTask(task);
  }

  private async readLoop(): Promise<void> {
    const reader = this.reader!;
    const controller = this.controller!;
    try {
      for (;;) {
        if (this.paused) await new Promise<void>((resolve) => (this.wake = resolve));
        if (this.readDone) return;
        const { done, value } = await reader.read();
        if (done || this.readDone) break;
        if (value.length > 0) controller.data(value);
      }
    } catch {
      // A read error ends the stream like EOF: the connection closes with 1006 unless the
      // closing handshake already completed.
    }
    if (this.readDone) return;
    this.readDone = true;
    controller.end();
    this.finish();
  }

  private writeFinished(): void {
    this.writeDone = true;
    this.finish();
  }

  private finish(): void {
    if (this.isClosed || !this.readDone || !this.writeDone) return;
    this.isClosed = true;
    this.controller!.closed();
  }
}
