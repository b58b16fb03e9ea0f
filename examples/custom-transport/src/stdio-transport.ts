// A Transport over a Node Readable/Writable pair (here a process's stdin/stdout): the whole
// contract a Connection needs from something that carries bytes in order.
import type { Readable, Writable } from 'node:stream';
import type { Transport, TransportController } from '@ws/protocol';

export class StdioTransport implements Transport {
  private controller!: TransportController;
  /** The read side and the write side; closed() once both are done. */
  private open = 2;

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
  ) {}

  start(controller: TransportController): void {
    this.controller = controller;
    const { input, output } = this;
    input.on('data', (chunk: Buffer) =>
      controller.data(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)),
    );
    input.once('end', () => {
      controller.end();
      this.halfClosed();
    });
    output.once('finish', () => this.halfClosed());
    output.on('drain', () => controller.drain());
    input.on('error', () => this.destroy());
    output.on('error', () => this.destroy());
  }

  write(parts: readonly Uint8Array[]): void {
    // Exactly one controller.written() per call, once the last part was handed over.
    const last = parts.length - 1;
    for (let i = 0; i < last; i++) this.output.write(parts[i]);
    this.output.write(parts[last], (error) => this.controller.written(error ?? undefined));
  }

  get bufferedAmount(): number {
    return this.output.writableLength;
  }

  pause(): void {
    this.input.pause();
  }

  resume(): void {
    this.input.resume();
  }

  end(): void {
    this.output.end();
  }

  destroy(): void {
    this.input.destroy();
    this.output.destroy();
    this.open = 1;
    this.halfClosed();
  }

  private halfClosed(): void {
    if (--this.open === 0) this.controller.closed();
  }
}
