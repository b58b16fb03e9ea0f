/**
 * One raw TCP connection to (or from) the implementation under test: writes any bytes in any
 * chunking and pace, and records everything the peer does, with times.
 */
import type { Socket } from 'node:net';
import { type Agreed, Compressor, Decompressor } from './deflate.js';
import { type Head, headEnd, parseHead } from './http.js';
import {
  FrameReader,
  isValidUtf8,
  type ReaderSink,
  type ReceivedClose,
  type ReceivedFrame,
  type ReceivedMessage,
} from './reader.js';

export type Chunking =
  | 'whole'
  | 'bytes'
  | { size: number; delayMs?: number }
  | { splits: readonly number[]; delayMs?: number };

export type DriverEvent =
  | {
      kind: 'frame';
      at: number;
      opcode: number;
      fin: boolean;
      rsv: number;
      masked: boolean;
      length: number;
    }
  | { kind: 'head'; at: number; startLine: string }
  | { kind: 'mark'; at: number; name: string }
  | { kind: 'sent'; at: number; bytes: number }
  | { kind: 'violation'; at: number; what: string }
  | { kind: 'tcp-end'; at: number }
  | { kind: 'tcp-close'; at: number; error?: string }
  | { kind: 'timeout'; at: number; waiting: string };

export interface TimedPayload {
  data: Uint8Array;
  at: number;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function immediate(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export class RawPeer implements ReaderSink {
  readonly events: DriverEvent[] = [];
  readonly messages: ReceivedMessage[] = [];
  readonly pings: TimedPayload[] = [];
  readonly pongs: TimedPayload[] = [];
  readonly violations: string[] = [];
  close: ReceivedClose | undefined;
  head: Head | undefined;
  /** The peer half-closed (FIN) or the socket closed, before we ended our side. */
  peerEndedFirst = false;
  tcpEnded = false;
  tcpClosed = false;
  weEnded = false;
  bytesReceived = 0;

  private readonly started = performance.now();
  private readonly reader: FrameReader;
  private headBytes: Uint8Array | null;
  private waiters: (() => void)[] = [];
  /** permessage-deflate in force (set once the 101 was checked); undefined without it. */
  agreed: Agreed | undefined;
  /** Our compressor: its window and takeover are the ones agreed for our direction. */
  compressor: Compressor | undefined;
  private decompressor: Decompressor | undefined;
  /** Compressed messages are inflated in arrival order on this chain. */
  private inflating: Promise<void> = Promise.resolve();

  /**
   * `peer` is the role of the implementation under test; `expectHead` says whether an HTTP
   * head comes before the frames (the response to our request, or the peer's request).
   */
  constructor(
    readonly socket: Socket,
    readonly peer: 'client' | 'server',
    expectHead: boolean,
  ) {
    this.reader = new FrameReader(peer, this, () => this.now());
    this.headBytes = expectHead ? new Uint8Array(0) : null;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Uint8Array) => this.onData(chunk));
    socket.on('end', () => {
      this.tcpEnded = true;
      if (!this.weEnded) this.peerEndedFirst = true;
      this.record({ kind: 'tcp-end', at: this.now() });
    });
    socket.on('error', () => {});
    socket.on('close', (hadError) => {
      this.tcpClosed = true;
      if (!this.weEnded) this.peerEndedFirst = true;
      this.record({ kind: 'tcp-close', at: this.now(), ...(hadError ? { error: 'reset' } : {}) });
    });
  }

  now(): number {
    return Math.round((performance.now() - this.started) * 10) / 10;
  }

  frame(frame: ReceivedFrame): void {
    const { opcode, fin, rsv, masked, at } = frame;
    if (opcode === 0x9) this.pings.push({ data: frame.payload, at });
    if (opcode === 0xa) this.pongs.push({ data: frame.payload, at });
    this.record({ kind: 'frame', at, opcode, fin, rsv, masked, length: frame.payload.length });
  }

  closeFrame(close: ReceivedClose): void {
    this.close = close;
    this.notify();
  }

  /**
   * Turns permessage-deflate on for both directions with the agreed parameters. `peer` is the
   * role under test: it compresses with the parameters of its own direction (§7.1.1, §7.1.2).
   */
  startDeflate(agreed: Agreed): void {
    this.agreed = agreed;
    this.reader.deflate = true;
    const server = this.peer === 'server';
    this.decompressor = new Decompressor(
      server ? agreed.serverMaxWindowBits : agreed.clientMaxWindowBits,
      server ? agreed.serverNoContextTakeover : agreed.clientNoContextTakeover,
    );
    this.compressor = new Compressor(
      server ? agreed.clientMaxWindowBits : agreed.serverMaxWindowBits,
      server ? agreed.clientNoContextTakeover : agreed.serverNoContextTakeover,
    );
  }

  message(message: ReceivedMessage): void {
    const decompressor = this.decompressor;
    if (decompressor === undefined) {
      this.messages.push(message);
      this.notify();
      return;
    }
    // With compression on, every message waits its turn so the order stays the arrival order.
    this.inflating = this.inflating.then(async () => {
      if (!message.compressed) this.messages.push(message);
      else {
        try {
          const data = await decompressor.inflate(message.data);
          if (message.type === 'text' && !isValidUtf8(data)) {
            this.violation('compressed text message that is not UTF-8 once inflated (§8.1)');
          }
          this.messages.push({ ...message, data });
        } catch (error) {
          this.violation(
            `compressed message that does not inflate with the agreed parameters: ${error instanceof Error ? error.message : String(error)} (RFC 7692 §7.2.2)`,
          );
        }
      }
      this.notify();
    });
  }

  /** Resolves once every compressed message received so far is inflated. */
  settled(): Promise<void> {
    return this.inflating;
  }

  violation(what: string): void {
    this.violations.push(what);
    this.record({ kind: 'violation', at: this.now(), what });
  }

  mark(name: string): void {
    this.record({ kind: 'mark', at: this.now(), name });
  }

  /** Index in `events` of the first event matching, or -1. */
  indexOf(match: (event: DriverEvent) => boolean): number {
    return this.events.findIndex(match);
  }

  get alive(): boolean {
    return !this.tcpClosed && !this.socket.destroyed && this.socket.writable;
  }

  /** True once the peer sent Close or dropped the connection. */
  get peerClosed(): boolean {
    return this.close !== undefined || this.tcpEnded || this.tcpClosed;
  }

  async write(bytes: Uint8Array, chunking: Chunking = 'whole'): Promise<void> {
    if (chunking === 'whole') {
      await this.writeChunk(bytes);
      return;
    }
    const cuts: number[] = [];
    let delayMs = 0;
    if (chunking === 'bytes') {
      for (let i = 1; i < bytes.length; i++) cuts.push(i);
    } else if ('size' in chunking) {
      for (let i = chunking.size; i < bytes.length; i += chunking.size) cuts.push(i);
      delayMs = chunking.delayMs ?? 0;
    } else {
      cuts.push(...chunking.splits.filter((at) => at > 0 && at < bytes.length));
      delayMs = chunking.delayMs ?? 0;
    }
    let from = 0;
    for (const to of [...cuts, bytes.length]) {
      if (!this.alive) return;
      await this.writeChunk(bytes.subarray(from, to));
      from = to;
      // A pause between pieces so that each arrives in its own read on the other side.
      if (to < bytes.length) await (delayMs > 0 ? sleep(delayMs) : immediate());
    }
  }

  private writeChunk(bytes: Uint8Array): Promise<void> {
    if (!this.alive || bytes.length === 0) return Promise.resolve();
    this.record({ kind: 'sent', at: this.now(), bytes: bytes.length });
    return new Promise((resolve) => {
      this.socket.write(bytes, () => resolve());
    });
  }

  /** Resolves true when `done()` holds (checked on every event), false after `ms`. */
  waitFor(done: () => boolean, ms: number, what: string): Promise<boolean> {
    if (done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        this.record({ kind: 'timeout', at: this.now(), waiting: what });
        resolve(done());
      }, ms);
      this.waiters.push(check);
    });
  }

  /** Half-closes our side (FIN). */
  end(): void {
    this.weEnded = true;
    if (!this.socket.destroyed) this.socket.end();
  }

  destroy(): void {
    this.weEnded = true;
    this.socket.destroy();
  }

  private record(event: DriverEvent): void {
    this.events.push(event);
    this.notify();
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }

  private onData(chunk: Uint8Array): void {
    this.bytesReceived += chunk.length;
    if (this.headBytes !== null) {
      const joined = new Uint8Array(this.headBytes.length + chunk.length);
      joined.set(this.headBytes);
      joined.set(chunk, this.headBytes.length);
      const end = headEnd(joined);
      if (end < 0) {
        this.headBytes = joined;
        return;
      }
      this.headBytes = null;
      this.head = parseHead(joined.subarray(0, end - 2));
      this.record({ kind: 'head', at: this.now(), startLine: this.head.startLine.join(' ') });
      chunk = joined.subarray(end);
      if (chunk.length === 0) return;
    }
    this.reader.push(chunk);
  }
}
