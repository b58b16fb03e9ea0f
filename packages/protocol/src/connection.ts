import { type CloseTimerEntry, cancelClose, scheduleClose } from './close-timer.js';
import { Emitter } from './emitter.js';
import { ConnectionClosedError, type ConnectionError } from './errors.js';
import type { CloseMessage, Message, ProtocolEvent } from './events.js';
import type { ProtocolOptions } from './options.js';
import { Protocol, type ProtocolSink, type SendOptions } from './protocol.js';
import type { Transport, TransportController } from './transport.js';

export interface ConnectionOptions extends Omit<ProtocolOptions, 'onEvent' | 'onOutput'> {
  /** Outbound bytes queued before `drain` matters (bufferedAmount above it). Default 1 MiB. */
  highWaterMark?: number;
  /**
   * Bytes of received messages waiting for `receive()` before reading from the transport
   * pauses (it resumes below half of it). Default 1 MiB.
   */
  readHighWaterMark?: number;
}

export interface ConnectionEvents {
  message: (message: Message) => void;
  close: (close: CloseMessage) => void;
  error: (error: ConnectionError) => void;
  ping: (data: Uint8Array) => void;
  pong: (data: Uint8Array) => void;
  drain: () => void;
}

/** What `receive()` settles with: a message, an error value, or (last) the close. */
export type ReceiveResult = Message | ConnectionError | CloseMessage;

export type ReadyState = 'open' | 'closing' | 'closed';

const DEFAULT_HIGH_WATER_MARK = 1024 * 1024;
/**
 * What a waiting message costs beyond its bytes: measured here (Node 20), a 1-byte binary
 * message that is a view of its own 7-byte read holds 242 bytes of heap, a short text message
 * about 70.
 */
const MESSAGE_OVERHEAD = 64;
const BUFFER_OVERHEAD = 192;
/** Shared empty inbox: replaced, never pushed to (see deliver). */
const EMPTY: never[] = [];
const RESOLVED = /* @__PURE__ */ Promise.resolve();

function noop(): void {}

function checkMark(name: string, value: number | undefined): number {
  if (value === undefined) return DEFAULT_HIGH_WATER_MARK;
  if (typeof value !== 'number' || !(value >= 0)) {
    throw new RangeError(`Connection: expected ${name} >= 0, got ${String(value)}`);
  }
  return value;
}

/** A promise that rejects for whoever awaits it but never counts as an unhandled rejection. */
function quietReject<T>(error: unknown): Promise<T> {
  const promise = Promise.reject(error);
  promise.catch(noop);
  return promise;
}

function closedBeforeWritten(): ConnectionClosedError {
  return new ConnectionClosedError('the connection closed before the bytes were written');
}

interface PendingWrite {
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * A WebSocket connection over any Transport: a Protocol plus flow control, write batching
 * and the closing timeout. Node sockets and Web Streams get one from `@ws/protocol/node` and
 * `@ws/protocol/streams`.
 *
 * Messages go to 'message' listeners when there are any, else they wait for `receive()` /
 * `for await` (reading pauses when `readHighWaterMark` bytes are waiting).
 */
export class Connection extends Emitter<ConnectionEvents> {
  /** The state machine underneath (for inspection; do not feed it bytes yourself). */
  readonly protocol: Protocol;

  private readonly transport: Transport;
  private readonly highWaterMark: number;
  private readonly readHighWaterMark: number;

  private inbox: (ReceiveResult | undefined)[] = EMPTY;
  private inboxSizes: number[] = EMPTY;
  private inboxHead = 0;
  private inboxBytes = 0;
  private lastBuffer: ArrayBufferLike | null = null;
  private waiters: ((result: ReceiveResult) => void)[] | null = null;
  private paused = false;

  private inRead = false;
  private flushScheduled = false;
  private batch: Promise<void> | null = null;
  private batchWrite: PendingWrite | null = null;
  private writes: (PendingWrite | null)[] | null = null;
  private needDrain = false;

  private protocolClose: CloseMessage | null = null;
  private transportClosed = false;
  private ended = false;
  private timer: CloseTimerEntry | undefined = undefined;
  private finalClose: CloseMessage | null = null;
  private closedPromise: Promise<CloseMessage> | null = null;
  private resolveClosed: ((close: CloseMessage) => void) | null = null;
  /** Made on the first deferred flush: an idle connection holds no closure for it (96 B). */
  private flushTask: (() => void) | null = null;

  constructor(transport: Transport, options: ConnectionOptions) {
    super();
    this.highWaterMark = checkMark('highWaterMark', options.highWaterMark);
    this.readHighWaterMark = checkMark('readHighWaterMark', options.readHighWaterMark);
    // The options go to the Protocol as they are and the transport's hooks beside them (no
    // copy of either per connection); its onEvent/onOutput, if a caller passed them, are
    // never called: the sink set below takes precedence.
    this.protocol = new Protocol(options as ProtocolOptions, transport);
    this.transport = transport;
    const controller = new Controller(this);
    this.protocol.sink = controller;
    transport.start(controller);
  }

  /** Settles with the final close once the transport is closed. */
  get closed(): Promise<CloseMessage> {
    if (this.closedPromise === null) {
      const final = this.finalClose;
      this.closedPromise =
        final !== null
          ? Promise.resolve(final)
          : new Promise((resolve) => {
              this.resolveClosed = resolve;
            });
    }
    return this.closedPromise;
  }

  get readyState(): ReadyState {
    if (this.transportClosed) return 'closed';
    return this.protocol.state === 'open' ? 'open' : 'closing';
  }

  /** Outbound bytes not yet handed to the OS (queued in the protocol or the transport). */
  get bufferedAmount(): number {
    return this.protocol.pendingBytes + this.transport.bufferedAmount;
  }

  /**
   * Sends a text message. The promise settles when its bytes are handed to the OS (all sends
   * of one tick share one write). Rejects with ConnectionClosedError once closing; that
   * rejection never counts as unhandled, so fire-and-forget sends cannot crash a process.
   */
  sendText(text: string, options?: SendOptions): Promise<void> {
    try {
      this.protocol.sendText(text, options);
    } catch (error) {
      if (error instanceof ConnectionClosedError) return quietReject(error);
      throw error;
    }
    return this.pendingBatch();
  }

  /** Sends a binary message; see sendText. The payload is not copied: do not change it until the promise settles. */
  sendBinary(
    data: Uint8Array | ArrayBuffer | ArrayBufferView,
    options?: SendOptions,
  ): Promise<void> {
    try {
      this.protocol.sendBinary(data, options);
    } catch (error) {
      if (error instanceof ConnectionClosedError) return quietReject(error);
      throw error;
    }
    return this.pendingBatch();
  }

  ping(data?: Uint8Array | string): Promise<void> {
    try {
      this.protocol.ping(data);
    } catch (error) {
      if (error instanceof ConnectionClosedError) return quietReject(error);
      throw error;
    }
    return this.pendingBatch();
  }

  pong(data?: Uint8Array | string): Promise<void> {
    try {
      this.protocol.pong(data);
    } catch (error) {
      if (error instanceof ConnectionClosedError) return quietReject(error);
      throw error;
    }
    return this.pendingBatch();
  }

  /**
   * Runs the closing handshake (§7.1.2) and settles with the final close once the transport
   * is closed (after the peer's Close, or `closeTimeout` ms, whichever comes first). Without a
   * code the Close frame has no body and the peer reports 1005 (as WHATWG `close()` does).
   * Throws RangeError at once for a code that may not be sent, a reason over 123 UTF-8 bytes,
   * or a reason without a code.
   */
  close(code?: number, reason = ''): Promise<CloseMessage> {
    this.protocol.close(code, reason);
    if (!this.transportClosed) {
      this.armTimer();
      this.scheduleFlush();
    }
    return this.closed;
  }

  /** Destroys the transport now, without a closing handshake (the close is 1006). */
  terminate(): void {
    if (this.transportClosed) return;
    // Nothing more is read or written: the close is 1006 at once, the transport goes.
    this.protocol.receiveEof();
    this.protocol.bytesToSend();
    this.transport.destroy();
  }

  /**
   * The next message, or an error value (ProtocolError/FrameError, with its close code), or
   * finally the close. Never rejects; every pending call settles when the connection ends.
   */
  receive(): Promise<ReceiveResult> {
    if (this.inboxHead < this.inbox.length) return Promise.resolve(this.shiftInbox());
    if (this.protocolClose !== null) return Promise.resolve(this.protocolClose);
    return new Promise((resolve) => (this.waiters ??= []).push(resolve));
  }

  /** Text and binary messages until the close (errors are skipped: the close carries their code). */
  async *[Symbol.asyncIterator](): AsyncGenerator<Message, void, undefined> {
    for (;;) {
      const result = await this.receive();
      if (result instanceof Error) continue;
      if (result.type === 'close') return;
      yield result;
    }
  }

  protected override listenerAdded(event: keyof ConnectionEvents): void {
    // Messages that arrived before the first 'message' listener go to it, in order.
    if (event === 'message' && this.inboxHead < this.inbox.length) {
      queueMicrotask(() => {
        while (this.listenerCount('message') > 0 && this.inboxHead < this.inbox.length) {
          const result = this.shiftInbox();
          if (result instanceof Error) this.emit('error', result);
          else if (result.type !== 'close') this.emit('message', result);
        }
      });
    }
  }

  /** @internal The transport's callback (through Controller). */
  handleData(chunk: Uint8Array): void {
    this.inRead = true;
    try {
      this.protocol.receive(chunk);
    } finally {
      this.inRead = false;
    }
    // Everything produced while handling this read (pongs, replies sent from 'message'
    // listeners, a Close) leaves in one write.
    this.flush();
  }

  /** @internal The transport's callback (through Controller). */
  handleEnd(): void {
    this.protocol.receiveEof();
    this.flush();
  }

  /** @internal The transport's callback (through Controller). */
  handleTransportClosed(): void {
    if (this.transportClosed) return;
    this.transportClosed = true;
    cancelClose(this.timer);
    this.protocol.receiveEof();
    this.protocol.bytesToSend();
    const batch = this.batchWrite;
    const writes = this.writes;
    this.batch = null;
    this.batchWrite = null;
    this.writes = null;
    // Built only when a send is waiting: measured here, constructing it (stack trace included)
    // on every close was ~3.5 % of the CPU of a connect-and-close loop.
    let error: ConnectionClosedError | undefined;
    if (batch !== null) batch.reject((error ??= closedBeforeWritten()));
    if (writes !== null) {
      for (const write of writes) write?.reject((error ??= closedBeforeWritten()));
    }
    this.end();
  }

  /** @internal The transport's callback (through Controller). */
  handleWritten(error: unknown): void {
    const writes = this.writes;
    if (writes === null) return;
    const write = writes.shift();
    if (write == null) return;
    if (error === undefined || error === null) write.resolve();
    else write.reject(error);
  }

  /** @internal The transport's callback (through Controller). */
  handleDrain(): void {
    if (!this.needDrain || this.transport.bufferedAmount >= this.highWaterMark) return;
    this.needDrain = false;
    this.protocol.writeBlocked = false;
    this.emit('drain');
  }

  private pendingBatch(): Promise<void> {
    if (this.transportClosed) return RESOLVED;
    if (this.batch === null) {
      const batch = new Promise<void>((resolve, reject) => {
        this.batchWrite = { resolve, reject };
      });
      batch.catch(noop);
      this.batch = batch;
    }
    return this.batch;
  }

  /** @internal Also the protocol's output callback (through Controller). */
  scheduleFlush(): void {
    if (this.inRead || this.flushScheduled || this.transportClosed) return;
    this.flushScheduled = true;
    const task = (this.flushTask ??= () => {
      this.flushScheduled = false;
      this.flush();
    });
    if (this.transport.defer !== undefined) this.transport.defer(task);
    else queueMicrotask(task);
  }

  private flush(): void {
    if (this.transportClosed) return;
    const parts = this.protocol.bytesToSend();
    if (parts.length > 0) {
      (this.writes ??= []).push(this.batchWrite);
      this.batch = null;
      this.batchWrite = null;
      this.transport.write(parts);
      if (this.transport.bufferedAmount >= this.highWaterMark) {
        this.needDrain = true;
        this.protocol.writeBlocked = true;
      }
    }
    if (this.protocolClose !== null) this.closeTransportWhenDone();
  }

  private closeTransportWhenDone(): void {
    this.armTimer();
    if (!this.ended && this.protocol.shouldCloseTransport) {
      this.ended = true;
      this.transport.end();
    }
  }

  private armTimer(): void {
    if (this.timer !== undefined || this.transportClosed) return;
    // The closing handshake timeout: a peer that never answers (or never closes its side)
    // cannot hold the transport open; one shared timer serves all connections.
    this.timer = scheduleClose(this.protocol.closeTimeout, () => this.transport.destroy());
  }

  /** @internal The protocol's events (through Controller). */
  handleEvent(event: ProtocolEvent): void {
    switch (event.type) {
      case 'text':
      case 'binary':
        // Queued messages (from before the first listener) go first.
        if (this.listenerCount('message') > 0 && this.inboxHead === this.inbox.length) {
          this.emit('message', event);
        } else this.deliver(event, this.sizeOf(event));
        return;
      case 'error':
        this.emit('error', event.error);
        if (this.listenerCount('message') === 0) this.deliver(event.error, 0);
        return;
      case 'ping':
        this.emit('ping', event.data);
        return;
      case 'pong':
        this.emit('pong', event.data);
        return;
      case 'close':
        this.protocolClose = event;
        this.settleWaiters(event);
        if (!this.inRead) this.flush();
        return;
    }
  }

  private deliver(result: ReceiveResult, size: number): void {
    const waiter = this.waiters?.shift();
    if (waiter !== undefined) {
      waiter(result);
      return;
    }
    if (this.inbox.length === 0) {
      this.inbox = [result];
      this.inboxSizes = [size];
    } else {
      this.inbox.push(result);
      this.inboxSizes.push(size);
    }
    this.inboxBytes += size;
    if (!this.paused && this.inboxBytes >= this.readHighWaterMark && !this.transportClosed) {
      this.paused = true;
      this.transport.pause();
    }
  }

  /**
   * Bytes a waiting message keeps alive. A binary message may be a view of a larger read
   * buffer: the first message seen from a buffer is charged the whole buffer, so many tiny
   * messages cannot pin many large reads while being counted as tiny. Objects are charged too,
   * so a flood of tiny messages is bounded by what it really holds, not by its payload bytes.
   */
  private sizeOf(message: Message): number {
    if (message.type === 'text') return MESSAGE_OVERHEAD + message.data.length * 2;
    const data = message.data;
    if (data.buffer === this.lastBuffer) return MESSAGE_OVERHEAD + data.byteLength;
    this.lastBuffer = data.buffer;
    return MESSAGE_OVERHEAD + BUFFER_OVERHEAD + data.buffer.byteLength;
  }

  private shiftInbox(): ReceiveResult {
    const head = this.inboxHead;
    const result = this.inbox[head]!;
    this.inboxBytes -= this.inboxSizes[head]!;
    this.inbox[head] = undefined;
    if (head + 1 === this.inbox.length) {
      this.inbox = EMPTY;
      this.inboxSizes = EMPTY;
      this.inboxHead = 0;
      this.lastBuffer = null;
    } else this.inboxHead = head + 1;
    if (this.paused && this.inboxBytes < this.readHighWaterMark / 2 && !this.transportClosed) {
      this.paused = false;
      this.transport.resume();
    }
    return result;
  }

  private end(): void {
    const close: CloseMessage = this.protocolClose ?? {
      type: 'close',
      code: 1006,
      reason: '',
      wasClean: false,
    };
    this.finalClose = close;
    this.settleWaiters(close);
    this.emit('close', close);
    this.resolveClosed?.(close);
  }

  private settleWaiters(result: ReceiveResult): void {
    const waiters = this.waiters;
    this.waiters = null;
    if (waiters !== null) for (const waiter of waiters) waiter(result);
  }
}

/**
 * The transport's view of a Connection: one small object per connection instead of a
 * closure per callback.
 */
class Controller implements TransportController, ProtocolSink {
  constructor(private readonly connection: Connection) {}
  data(chunk: Uint8Array): void {
    this.connection.handleData(chunk);
  }
  end(): void {
    this.connection.handleEnd();
  }
  closed(): void {
    this.connection.handleTransportClosed();
  }
  written(error?: unknown): void {
    this.connection.handleWritten(error);
  }
  drain(): void {
    this.connection.handleDrain();
  }
  event(event: ProtocolEvent): void {
    this.connection.handleEvent(event);
  }
  output(): void {
    this.connection.scheduleFlush();
  }
}
