/// <reference types="node" />
import * as buffer from 'node:buffer';
import type { Socket } from 'node:net';
import type { Transport, TransportController } from '../transport.js';
import { loadBufferutil, nativeUnmask, nativeUnmaskCopy } from './bufferutil.js';

/**
 * A Transport over a `net.Socket` or `tls.TLSSocket` whose opening handshake is done.
 * Several parts are written corked, so Node sends them with one writev system call.
 */
export class SocketTransport implements Transport {
  // The platform hooks are getters on the prototype, not instance fields: the same for every
  // connection, so 32 B less per connection (measured with heap snapshots, 5,000 idle ones).
  /**
   * A frame of known length is fully overwritten before anyone sees it, so it need not be
   * zero-filled: measured here, zeroing was 14% of the server's CPU echoing 64 KiB messages.
   */
  get allocateUninitialized(): (size: number) => Uint8Array {
    return allocateUninitialized;
  }
  /**
   * Output batches and masked copies: pooled, uninitialized Buffers (only their written range
   * is ever passed to socket.write, which then also skips its Uint8Array-to-Buffer wrapping).
   */
  get allocateOutput(): (size: number) => Uint8Array {
    return allocateOutput;
  }
  /**
   * bufferutil's native unmask for large pieces when the optional peer dependency is
   * installed: measured here, the 64 KiB echo's server CPU per message went from 1.16× to
   * BUFFERUTIL_RATIO of ws + bufferutil.
   */
  get unmask(): ((data: Uint8Array, key: number, phase: number) => boolean) | undefined {
    return loadBufferutil() === null ? undefined : nativeUnmask;
  }
  /**
   * With bufferutil, a frame that spans reads is unmasked while it is copied into its message
   * (one pass instead of unmasking in place, then copying): measured here, see
   * ProtocolOptions.unmaskCopy.
   */
  get unmaskCopy():
    | ((source: Uint8Array, target: Uint8Array, offset: number, key: number, phase: number) => void)
    | undefined {
    return loadBufferutil() === null ? undefined : nativeUnmaskCopy;
  }
  /**
   * Node's simdutf UTF-8 check (`buffer.isUtf8`, Node ≥ 18.14) for text spanning reads:
   * measured here, Protocol.receive of 64 KiB text messages in 4 reads takes 1.6× (ASCII) and
   * 1.4× (mixed text) less time than with @ws/frame's own check alone.
   */
  get isUtf8(): ((bytes: Uint8Array) => boolean) | undefined {
    return nodeIsUtf8;
  }
  private controller: TransportController | null = null;
  private watchingDrain = false;
  /** Made on the first write: an idle connection holds no closure for it (96 B). */
  private onWritten: ((error?: Error | null) => void) | null = null;

  constructor(
    private readonly socket: Socket,
    /** Bytes already read past the HTTP head; processed before anything else. */
    private head?: Uint8Array,
  ) {}

  start(controller: TransportController): void {
    this.controller = controller;
    const socket = this.socket;
    // Frames are batched per tick already; Nagle would only add latency.
    socket.setNoDelay(true);
    // The rare events share module-level listeners (no closures per connection: idle
    // connections are what a server holds most of); 'data' keeps its own, it is the hot path.
    controllers.set(socket, controller);
    socket.on('error', noop);
    socket.on('end', onEnd);
    socket.on('close', onClose);
    const head = this.head;
    this.head = undefined;
    if (head !== undefined && head.length > 0) controller.data(toUint8Array(head));
    socket.on('data', (chunk: Buffer) => controller.data(toUint8Array(chunk)));
    // An explicitly paused socket (e.g. by an HTTP layer) would not flow on its own.
    socket.resume();
    if (socket.destroyed) queueMicrotask(() => controller.closed());
    else if (socket.readableEnded) queueMicrotask(() => controller.end());
  }

  write(parts: readonly Uint8Array[]): void {
    const socket = this.socket;
    const last = parts.length - 1;
    const onWritten = (this.onWritten ??= (error?: Error | null): void => {
      this.controller?.written(error ?? undefined);
    });
    let room: boolean;
    if (last === 0) room = socket.write(parts[0]!, onWritten);
    else {
      socket.cork();
      for (let i = 0; i < last; i++) socket.write(parts[i]!);
      room = socket.write(parts[last]!, onWritten);
      socket.uncork();
    }
    // A socket emits 'drain' only after a write returned false, so its listener is added then:
    // most connections (a handshake and a close) never need one.
    if (!room && !this.watchingDrain) {
      this.watchingDrain = true;
      socket.on('drain', onDrain);
    }
  }

  get bufferedAmount(): number {
    return this.socket.writableLength;
  }

  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  end(): void {
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }

  defer(task: () => void): void {
    // After the current microtasks too: replies sent from an `await conn.receive()` loop
    // over one read's messages still share one write.
    process.nextTick(task);
  }
}

const controllers = new WeakMap<Socket, TransportController>();

/**
 * `buffer.isUtf8` where the runtime has it (Node ≥ 18.14): read from the namespace rather than
 * imported by name, so a runtime without it still loads this module.
 */
const nodeIsUtf8: ((bytes: Uint8Array) => boolean) | undefined =
  typeof buffer.isUtf8 === 'function' ? buffer.isUtf8 : undefined;

/** A plain Uint8Array (not a Buffer) over memory Node does not zero-fill. */
function allocateUninitialized(size: number): Uint8Array {
  const buffer = Buffer.allocUnsafeSlow(size);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, size);
}

function allocateOutput(size: number): Uint8Array {
  return Buffer.allocUnsafe(size);
}

function noop(): void {}

function onEnd(this: Socket): void {
  controllers.get(this)?.end();
}

function onClose(this: Socket): void {
  controllers.get(this)?.closed();
}

function onDrain(this: Socket): void {
  controllers.get(this)?.drain();
}

/** Messages are plain Uint8Array views whatever the transport, never Buffers. */
function toUint8Array(chunk: Uint8Array): Uint8Array {
  return chunk.constructor === Uint8Array
    ? chunk
    : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
