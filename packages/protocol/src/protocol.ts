import {
  decodeClose,
  defaultMaskKeySource,
  encodeClose,
  type Frame,
  FrameDecoder,
  FrameError,
  type FrameHandler,
  type FrameHeader,
  Opcode,
  Utf8Validator,
} from '@ws/frame';
import { ConnectionClosedError, type ConnectionError, ProtocolError } from './errors.js';
import type { Message, ProtocolEvent } from './events.js';
import type { Extension, ExtensionMessage, MaybePromise } from './extension.js';
import { FrameWriter } from './frame-writer.js';
import { MessageBuffer } from './message-buffer.js';
import {
  DEFAULT_CLOSE_TIMEOUT,
  type Limits,
  type ProtocolOptions,
  resolveLimits,
} from './options.js';
import { unmaskCopy as frameUnmaskCopy } from './unmask-copy.js';

/** ignoreBOM: a leading U+FEFF is message content, not a byte-order mark to strip. */
const textDecoder = /* @__PURE__ */ new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/**
 * For text the Utf8Validator has already accepted: a fatal decode would check it again. Measured
 * here (Node 20, Protocol.receive of text spanning reads, interleaved rounds, medians): 64 KiB
 * ASCII 1.03–1.09× less time, mixed text and 1 KiB the same within noise.
 */
const validatedDecoder = /* @__PURE__ */ new TextDecoder('utf-8', { ignoreBOM: true });
const textEncoder = /* @__PURE__ */ new TextEncoder();
const EMPTY = /* @__PURE__ */ new Uint8Array(0);
const NO_EXTENSIONS: readonly Extension[] = [];

/**
 * The Protocol whose receive() is running: the decoder calls its unmask hook without `this`,
 * and one module-level hook costs no closure per connection. Saved and restored around
 * nested receive() calls (a listener may feed another Protocol).
 */
let receiving: Protocol | null = null;

/** The decoder's unmask hook: leaves a piece masked when onFrameData unmasks it as it copies. */
function deferringUnmask(data: Uint8Array, key: number, phase: number): boolean {
  return receiving?.unmaskPiece(data, key, phase) ?? false;
}

/** Queued bytes in one batch beyond which pongs collapse to one for the latest ping. */
const PONG_BURST = 16 * 1024;

export type ProtocolState = 'open' | 'closing' | 'closed';

export interface SendOptions {
  /** Split the message into frames of at most this many payload bytes (§5.4). Default: one frame. */
  fragmentSize?: number;
}

/** A transport's optional hooks (see Transport), used where the options give none. */
export type PlatformHooks = Pick<
  ProtocolOptions,
  'allocateUninitialized' | 'allocateOutput' | 'unmask' | 'unmaskCopy' | 'isUtf8'
>;

/** @internal What a Connection gives its Protocol to hear events and output. */
export interface ProtocolSink {
  event(event: ProtocolEvent): void;
  output(): void;
}

/** An event waiting behind an asynchronous extension decode, to keep wire order. */
interface HeldSlot {
  event: ProtocolEvent | null;
  /** Set instead of `event` when the decode failed: fail the connection at this point. */
  error: ConnectionError | null;
  bytes: number;
}

function isPromise<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

function toBytes(data: unknown, what: string): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`${what}: expected a Uint8Array, ArrayBuffer or ArrayBufferView`);
}

function controlPayload(data: Uint8Array | string | undefined, what: string): Uint8Array {
  const bytes =
    data === undefined
      ? EMPTY
      : typeof data === 'string'
        ? textEncoder.encode(data)
        : toBytes(data, what);
  // §5.5: "All control frames MUST have a payload length of 125 bytes or less".
  if (bytes.length > 125) {
    throw new RangeError(`${what}: expected a payload of at most 125 bytes, got ${bytes.length}`);
  }
  return bytes;
}

/**
 * The WebSocket connection state machine (RFC 6455), without I/O. Bytes from the peer go in
 * with `receive()` / `receiveEof()`; events come out through `onEvent` or `takeEvents()`;
 * bytes to write come out of `bytesToSend()`. `shouldCloseTransport` and `closeDeadline` say
 * when to close the transport. Nothing the peer sends makes it throw; only misuse does.
 */
export class Protocol {
  readonly role: 'server' | 'client';
  readonly limits: Readonly<Limits>;
  /** Milliseconds allowed for the closing handshake. */
  readonly closeTimeout: number;

  private stateValue: ProtocolState = 'open';
  private readonly decoder: FrameDecoder;
  private readonly writer: FrameWriter;
  private readonly autoPong: boolean;
  private readonly extensions: readonly Extension[];
  private readonly onEvent: ((event: ProtocolEvent) => void) | undefined;
  private readonly onOutput: (() => void) | undefined;
  /**
   * @internal Set by Connection instead of onEvent/onOutput: one object it already has,
   * rather than two closures per connection.
   */
  sink: ProtocolSink | null = null;
  private readonly now: () => number;
  private readonly allocate: ((size: number) => Uint8Array) | undefined;
  private readonly platformUnmask: ProtocolOptions['unmask'];
  private readonly unmaskCopy: NonNullable<ProtocolOptions['unmaskCopy']>;
  /** The platform UTF-8 check handed to the validator (see ProtocolOptions.isUtf8). */
  private readonly isUtf8: ((bytes: Uint8Array) => boolean) | undefined;
  /** A data frame's payload is streaming in (between onFrameStart and its last piece). */
  private inDataFrame = false;
  /** Key and phase of a piece left masked for onFrameData to unmask as it copies; -1: none. */
  private deferredKey = 0;
  private deferredPhase = -1;
  private queue: ProtocolEvent[] | null = null;

  /** The message being received: its opcode (0 = none), first-frame RSV bits, frame count. */
  private messageOpcode = 0;
  private messageRsv = 0;
  private fragments = 0;
  /** The data frame being received. */
  private frameFin = false;
  private frameLength = 0;
  private framePieces = 0;
  private readonly assembly = new MessageBuffer();
  private utf8: Utf8Validator | null = null;
  private checkUtf8 = false;

  private closeSent = false;
  private closeWritten = false;
  private cleanClose = false;
  private eof = false;
  private deadline: number | undefined = undefined;

  private held: HeldSlot[] | null = null;
  private heldBytes = 0;
  private outChain: Promise<void> | null = null;
  private outOps = 0;
  private disposePending = false;
  private disposed = false;

  private blocked = false;
  private pendingPong: Uint8Array | null = null;

  /**
   * `platform` (for Connection only, not public API): a Connection's transport, whose
   * allocation and unmask hooks are used where `options` gives none (passed beside the
   * options rather than merged into a copy of them for every connection).
   */
  constructor(options: ProtocolOptions, platform?: PlatformHooks) {
    if (options === null || typeof options !== 'object') {
      throw new TypeError("Protocol: expected an options object with role 'server' or 'client'");
    }
    const { role, autoPong = true, strict = true, closeTimeout = DEFAULT_CLOSE_TIMEOUT } = options;
    if (role !== 'server' && role !== 'client') {
      throw new TypeError(`Protocol: expected role 'server' or 'client', got ${String(role)}`);
    }
    if (typeof closeTimeout !== 'number' || !(closeTimeout >= 0)) {
      throw new RangeError(`Protocol: expected closeTimeout >= 0 ms, got ${String(closeTimeout)}`);
    }
    const extensions = options.extensions ?? NO_EXTENSIONS;
    let allowedRsv = 0;
    for (const extension of extensions) {
      if (!Number.isInteger(extension.rsv) || extension.rsv < 0 || extension.rsv > 7) {
        throw new RangeError(
          `Protocol: extension ${extension.name} claims invalid RSV bits ${extension.rsv}`,
        );
      }
      allowedRsv |= extension.rsv;
    }
    this.role = role;
    this.limits = resolveLimits(options.limits);
    this.closeTimeout = closeTimeout;
    this.autoPong = autoPong;
    this.extensions = extensions;
    this.onEvent = options.onEvent;
    this.onOutput = options.onOutput;
    this.now = options.now ?? Date.now;
    this.allocate = options.allocateUninitialized ?? platform?.allocateUninitialized;
    this.platformUnmask = options.unmask ?? platform?.unmask;
    // Without a platform kernel, @ws/frame's maskCopy unmasks while copying: measured here
    // (WS_NO_BUFFER_UTIL=1, see ProtocolOptions.unmaskCopy) cheaper than in place, then a copy.
    this.unmaskCopy = options.unmaskCopy ?? platform?.unmaskCopy ?? frameUnmaskCopy;
    const isUtf8 = options.isUtf8 === undefined ? platform?.isUtf8 : options.isUtf8;
    if (isUtf8 != null && typeof isUtf8 !== 'function') {
      throw new TypeError(
        'Protocol: expected isUtf8 to be a function (bytes: Uint8Array) => boolean, or null',
      );
    }
    this.isUtf8 = isUtf8 ?? undefined;
    // Streaming mode: payload pieces arrive as they are read, so text is validated as it
    // arrives (§8.1 fail fast) and nothing is gathered twice.
    this.decoder = new FrameDecoder(
      {
        role,
        maxPayloadLength: this.limits.maxFrameSize,
        strict,
        allowedRsv,
        streaming: true,
        unmask: deferringUnmask,
      },
      // Its own handler: no extra object or closures per connection.
      this as FrameHandler,
    );
    // §5.1: "a client MUST mask all frames that it sends to the server"; a server MUST NOT.
    this.writer = new FrameWriter(
      role === 'client',
      options.maskKeySource ?? defaultMaskKeySource,
      this,
      options.allocateOutput ?? platform?.allocateOutput,
    );
  }

  /** 'open'; 'closing' after close() until the peer's Close; 'closed' at the end. */
  get state(): ProtocolState {
    return this.stateValue;
  }

  /**
   * True when the transport should now be closed (after writing `bytesToSend()`): a server
   * once the connection is closed (§7.1.1: "the server SHOULD close the underlying TCP
   * connection first"), a client once the server closed its side, or either after a failure.
   */
  get shouldCloseTransport(): boolean {
    if (this.stateValue !== 'closed') return false;
    // Our Close still waits behind a message being encoded (see sendClose): not before it is
    // written, unless the transport already ended (then nothing more can be written anyway).
    if (this.closeSent && !this.closeWritten && !this.eof) return false;
    return this.role === 'server' || this.eof || !this.cleanClose;
  }

  /**
   * When (per `now()`, ms) the transport must be destroyed if it is still open: set once a
   * Close frame was sent or the connection ended; undefined before.
   */
  get closeDeadline(): number | undefined {
    return this.deadline;
  }

  /** Bytes held for the peer: partial header, message being assembled, held messages. */
  get bufferedBytes(): number {
    return this.decoder.bufferedBytes + this.assembly.capacity + this.heldBytes;
  }

  /** Bytes queued for `bytesToSend()`. */
  get pendingBytes(): number {
    return this.writer.pendingBytes;
  }

  /**
   * Set while the transport cannot take more bytes. Pongs are then not queued one per ping:
   * only the latest ping is answered once this is cleared (§5.5.3 allows answering only the
   * most recent ping), so a peer that pings and never reads cannot grow our output. Pongs also
   * collapse to the latest once PONG_BURST bytes are queued in one batch.
   */
  get writeBlocked(): boolean {
    return this.blocked;
  }

  set writeBlocked(blocked: boolean) {
    this.blocked = blocked;
    if (!blocked && this.pendingPong !== null) this.writePendingPong();
  }

  private writePendingPong(): void {
    const pong = this.pendingPong!;
    this.pendingPong = null;
    if (!this.closeSent) this.writer.frame(Opcode.Pong, pong, true, 0, true);
  }

  /**
   * Bytes from the peer, in any chunking. The Protocol takes ownership of `chunk`: masked
   * payloads are unmasked in place and binary messages may be views of it.
   */
  receive(chunk: Uint8Array): void {
    if (!(chunk instanceof Uint8Array))
      throw new TypeError('Protocol.receive: expected a Uint8Array');
    if (this.stateValue === 'closed' || this.decoder.stopped) return;
    const outer = receiving;
    receiving = this;
    try {
      this.decoder.push(chunk);
    } finally {
      receiving = outer;
    }
  }

  /**
   * @internal The decoder's unmask hook (through deferringUnmask).
   * §5.3: a piece of a data frame that onFrameData will copy into the message is left masked
   * here and unmasked by that copy; anything else (a control frame, a frame handed out as a
   * view, text validated as it arrives) is unmasked in place now.
   */
  unmaskPiece(data: Uint8Array, key: number, phase: number): boolean {
    if (
      this.inDataFrame &&
      !this.checkUtf8 &&
      !(
        this.framePieces === 0 &&
        data.length === this.frameLength &&
        this.frameFin &&
        this.fragments === 1
      )
    ) {
      this.deferredKey = key;
      this.deferredPhase = phase;
      return true;
    }
    return this.platformUnmask?.(data, key, phase) ?? false;
  }

  /** The transport ended (EOF, reset, or destroyed by us). */
  receiveEof(): void {
    this.eof = true;
    if (this.stateValue === 'closed') {
      // Encodes still pending can no longer be written: their extension state goes now.
      if (this.disposePending) this.disposeExtensions();
      return;
    }
    this.decoder.stop();
    this.resetMessage();
    // §7.1.5: "If _The WebSocket Connection is Closed_ and no Close control frame was
    // received by the endpoint ..., _The WebSocket Connection Close Code_ is considered to be 1006."
    this.finish(1006, '', false);
  }

  /** Events since the last call (only when no `onEvent` was given). */
  takeEvents(): ProtocolEvent[] {
    const events = this.queue ?? [];
    this.queue = null;
    return events;
  }

  /** Everything to write, in order, as one batch; empty when there is nothing. */
  bytesToSend(): Uint8Array[] {
    if (this.pendingPong !== null && !this.blocked) this.writePendingPong();
    return this.writer.take();
  }

  /** Queues a text message (§5.6). Throws ConnectionClosedError once closing. */
  sendText(text: string, options?: SendOptions): void {
    if (typeof text !== 'string') throw new TypeError('sendText: expected a string');
    this.checkCanSend('sendText');
    const fragmentSize = checkFragmentSize(options);
    if (
      this.extensions.length === 0 &&
      this.outChain === null &&
      text.length <= 125 &&
      text.length <= fragmentSize &&
      this.writer.asciiFrame(Opcode.Text, text, true)
    ) {
      return;
    }
    this.sendMessage(Opcode.Text, textEncoder.encode(text), true, fragmentSize);
  }

  /** Queues a binary message (§5.6). The payload is not copied when unmasked: do not change it until written. */
  sendBinary(data: Uint8Array | ArrayBuffer | ArrayBufferView, options?: SendOptions): void {
    const payload = toBytes(data, 'sendBinary');
    this.checkCanSend('sendBinary');
    this.sendMessage(Opcode.Binary, payload, false, checkFragmentSize(options));
  }

  /** Queues a ping (§5.5.2) with at most 125 bytes of payload. */
  ping(data?: Uint8Array | string): void {
    const payload = controlPayload(data, 'ping');
    this.checkCanSend('ping');
    this.writer.frame(Opcode.Ping, payload, true, 0, false);
  }

  /** Queues an unsolicited pong (§5.5.3: a unidirectional heartbeat). */
  pong(data?: Uint8Array | string): void {
    const payload = controlPayload(data, 'pong');
    this.checkCanSend('pong');
    this.writer.frame(Opcode.Pong, payload, true, 0, false);
  }

  /**
   * Starts the closing handshake (§7.1.2). Without a code the Close frame has no body (§5.5.1:
   * the body is optional; WHATWG `close()` with no arguments sends none) and the peer reports
   * 1005 (§7.1.5). Throws RangeError for a code that may not be sent (§7.4: 1000–1003,
   * 1007–1014, 3000–4999), a reason over 123 UTF-8 bytes, or a reason without a code. Later
   * calls, and calls after the connection ended, do nothing.
   */
  close(code?: number, reason = ''): void {
    if (typeof reason !== 'string') throw new TypeError('close: expected reason to be a string');
    // §5.5.1: "If there is a body, the first two bytes of the body MUST be a 2-byte unsigned
    // integer"; with no code, encodeClose gives the empty body.
    const payload = encodeClose(code, reason);
    if (this.closeSent || this.stateValue === 'closed') return;
    this.stateValue = 'closing';
    this.deadline = this.now() + this.closeTimeout;
    this.sendClose(payload);
  }

  private checkCanSend(what: string): void {
    if (this.closeSent) {
      throw new ConnectionClosedError(
        `${what}: the connection is closing; §5.5.1 allows no data after a Close frame`,
      );
    }
    if (this.stateValue === 'closed') {
      throw new ConnectionClosedError(`${what}: the connection is closed`);
    }
  }

  private sendMessage(
    opcode: number,
    payload: Uint8Array,
    owned: boolean,
    fragmentSize: number,
  ): void {
    if (this.extensions.length === 0 && this.outChain === null) {
      this.writeMessage(opcode, payload, 0, owned, fragmentSize);
      return;
    }
    this.enqueueOut(() => this.encodeAndWrite({ opcode, payload, rsv: 0 }, 0, owned, fragmentSize));
  }

  /** §5.4: one frame, or fragments of `fragmentSize` with the RSV bits on the first only. */
  private writeMessage(
    opcode: number,
    payload: Uint8Array,
    rsv: number,
    owned: boolean,
    fragmentSize: number,
  ): void {
    if (this.closeWritten) return;
    const length = payload.length;
    if (length <= fragmentSize) {
      this.writer.frame(opcode, payload, true, rsv, owned);
      return;
    }
    for (let offset = 0; offset < length; offset += fragmentSize) {
      const end = Math.min(offset + fragmentSize, length);
      const first = offset === 0;
      this.writer.frame(
        first ? opcode : Opcode.Continuation,
        payload.subarray(offset, end),
        end === length,
        first ? rsv : 0,
        owned,
      );
    }
  }

  private encodeAndWrite(
    message: ExtensionMessage,
    index: number,
    owned: boolean,
    fragmentSize: number,
  ): MaybePromise<void> {
    const extensions = this.extensions;
    for (let i = index; i < extensions.length; i++) {
      const result = extensions[i]!.encode(message);
      if (isPromise(result)) {
        return result.then((next) => this.encodeAndWrite(next, i + 1, true, fragmentSize));
      }
      if (result.payload !== message.payload) owned = true;
      message = result;
    }
    this.writeMessage(message.opcode, message.payload, message.rsv, owned, fragmentSize);
  }

  /** Runs `op` now, or after the pending asynchronous encodes, keeping wire order. */
  private enqueueOut(op: () => MaybePromise<void>): void {
    let result: MaybePromise<void>;
    if (this.outChain === null) {
      try {
        result = op();
      } catch (error) {
        this.extensionThrew(error);
        return;
      }
      if (!isPromise(result)) return;
    } else {
      result = this.outChain.then(op);
    }
    this.outOps++;
    this.outChain = result.then(
      () => this.outSettled(),
      (error: unknown) => {
        this.outSettled();
        this.extensionThrew(error);
      },
    );
  }

  private outSettled(): void {
    if (--this.outOps === 0) {
      this.outChain = null;
      if (this.disposePending) this.disposeExtensions();
    }
  }

  private extensionThrew(error: unknown): void {
    const detail = error instanceof Error ? `: ${error.message}` : '';
    this.fail(new ProtocolError('internal-error', `an extension failed${detail}`));
  }

  /** §5.5.1: sends a Close frame, behind any data still being encoded. */
  private sendClose(payload: Uint8Array): void {
    this.closeSent = true;
    if (this.outChain === null) this.writeClose(payload);
    else this.enqueueOut(() => this.writeClose(payload));
  }

  private writeClose(payload: Uint8Array): void {
    if (this.closeWritten) return;
    this.closeWritten = true;
    this.pendingPong = null;
    this.writer.frame(Opcode.Close, payload, true, 0, true);
  }

  /** @internal The writer's callback: bytes became available. */
  outputReady(): void {
    const sink = this.sink;
    if (sink !== null) sink.output();
    else if (this.onOutput !== undefined) this.onOutput();
  }

  /** @internal The decoder's callback (FrameHandler): the Protocol is its own handler. */
  onFrameStart(header: FrameHeader): void {
    const opcode = header.opcode;
    const rsv = (header.rsv1 ? 4 : 0) | (header.rsv2 ? 2 : 0) | (header.rsv3 ? 1 : 0);
    if (opcode === Opcode.Continuation) {
      // §5.4: continuation frames only follow a first frame with FIN clear.
      if (this.messageOpcode === 0) {
        this.fail(
          new ProtocolError(
            'unexpected-continuation',
            'continuation frame outside a fragmented message',
          ),
        );
        return;
      }
      // Extension bits mark a message on its first frame only (as RFC 7692 §6.1 requires of RSV1).
      if (rsv !== 0) {
        this.fail(new FrameError('reserved-bits', 'RSV bits set on a continuation frame'));
        return;
      }
      if (++this.fragments > this.limits.maxFragments) {
        this.fail(
          new ProtocolError(
            'too-many-fragments',
            `message in more than ${this.limits.maxFragments} frames`,
          ),
        );
        return;
      }
    } else {
      // §5.4: "the fragments of one message MUST NOT be interleaved between the fragments of another".
      if (this.messageOpcode !== 0) {
        this.fail(
          new ProtocolError('expected-continuation', 'new data frame inside a fragmented message'),
        );
        return;
      }
      this.messageOpcode = opcode;
      this.messageRsv = rsv;
      this.fragments = 1;
      // §8.1: text MUST be UTF-8; a transformed payload is validated after decoding instead.
      this.checkUtf8 = opcode === Opcode.Text && (rsv === 0 || this.extensions.length === 0);
    }
    // Checked against the header, before a byte of the payload is stored.
    if (this.assembly.length + header.payloadLength > this.limits.maxMessageSize) {
      this.fail(
        new ProtocolError(
          'message-too-large',
          `message of more than ${this.limits.maxMessageSize} bytes`,
        ),
      );
      return;
    }
    this.frameFin = header.fin;
    this.frameLength = header.payloadLength;
    this.framePieces = 0;
    this.inDataFrame = true;
  }

  /** @internal The decoder's callback (FrameHandler): the Protocol is its own handler. */
  onFrameData(data: Uint8Array, last: boolean): void {
    const phase = this.deferredPhase;
    this.deferredPhase = -1;
    if (last) this.inDataFrame = false;
    const opcode = this.messageOpcode;
    if (opcode === 0) return;
    const first = this.framePieces++ === 0;
    const whole = this.frameFin && this.fragments === 1;
    if (first && last && whole) {
      // Not reached with a deferred piece (see unmaskPiece); unmasked in place if it were.
      if (phase >= 0) this.unmaskCopy(data, data, 0, this.deferredKey, phase);
      // The whole message lies in one read: hand out a view of it, no copy.
      this.messageOpcode = 0;
      this.deliver(opcode, data, this.messageRsv, false);
      return;
    }
    const assembly = this.assembly;
    if (first) {
      if (this.fragments === 1 && this.checkUtf8)
        (this.utf8 ??= new Utf8Validator({ isUtf8: this.isUtf8 })).reset();
      const capacity = assembly.capacityFor(this.frameLength, whole, this.limits.maxMessageSize);
      if (capacity > assembly.capacity) {
        const budget = this.limits.maxBufferedBytes - this.bufferedBytes + assembly.capacity;
        const fitted =
          capacity <= budget ? capacity : assembly.capacityFor(this.frameLength, true, 0);
        if (fitted > budget) {
          this.fail(
            new ProtocolError(
              'buffer-limit',
              `holding more than ${this.limits.maxBufferedBytes} bytes for this connection`,
            ),
          );
          return;
        }
        // A single frame of known length is overwritten completely before it is handed out.
        assembly.grow(fitted, whole && fitted === this.frameLength ? this.allocate : undefined);
      }
    }
    if (data.length > 0) {
      // §8.1 fail fast: each piece is validated as it arrives, not when the message ends.
      if (this.checkUtf8 && this.utf8!.push(data) >= 0) {
        this.fail(new FrameError('invalid-utf8', 'text message is not valid UTF-8'));
        return;
      }
      if (phase >= 0) assembly.appendUnmasking(data, this.unmaskCopy, this.deferredKey, phase);
      else assembly.append(data);
    }
    if (last && this.frameFin) {
      if (this.checkUtf8 && !this.utf8!.end()) {
        this.fail(new FrameError('invalid-utf8', 'text message ends inside a UTF-8 sequence'));
        return;
      }
      this.messageOpcode = 0;
      this.deliver(opcode, assembly.take(), this.messageRsv, this.checkUtf8);
    }
  }

  private deliver(opcode: number, payload: Uint8Array, rsv: number, validated: boolean): void {
    if (rsv !== 0 && this.extensions.length > 0) {
      this.decodeExtensions(opcode, payload, rsv);
      return;
    }
    const message = this.toMessage(opcode, payload, validated);
    if (message instanceof FrameError) this.fail(message);
    else this.emit(message);
  }

  private toMessage(opcode: number, payload: Uint8Array, validated: boolean): Message | FrameError {
    if (opcode === Opcode.Binary) return { type: 'binary', data: payload };
    // Text validated piece by piece as it arrived (§8.1): every byte already passed the
    // Utf8Validator (and its platform hook's trusted `true`), so nothing is replaced here.
    if (validated) return { type: 'text', data: validatedDecoder.decode(payload) };
    try {
      return { type: 'text', data: textDecoder.decode(payload) };
    } catch {
      // §8.1: "When an endpoint is to interpret a byte stream as UTF-8 but finds that the
      // byte stream is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the
      // WebSocket Connection_" (1007, §7.4.1).
      return new FrameError('invalid-utf8', 'text message is not valid UTF-8');
    }
  }

  private decodeExtensions(opcode: number, payload: Uint8Array, rsv: number): void {
    let result: MaybePromise<Uint8Array | ConnectionError>;
    try {
      result = this.runDecoders(opcode, payload, rsv, this.extensions.length - 1);
    } catch (error) {
      this.extensionThrew(error);
      return;
    }
    if (!isPromise(result)) {
      if (result instanceof Uint8Array) this.deliver(opcode, result, 0, false);
      else this.fail(result);
      return;
    }
    // Charged with its objects too (about 64 bytes), so many tiny held messages stay bounded.
    const slot: HeldSlot = { event: null, error: null, bytes: payload.length + 64 };
    (this.held ??= []).push(slot);
    this.heldBytes += slot.bytes;
    if (this.bufferedBytes > this.limits.maxBufferedBytes) {
      this.fail(
        new ProtocolError(
          'buffer-limit',
          `holding more than ${this.limits.maxBufferedBytes} bytes for this connection`,
        ),
      );
      return;
    }
    result.then(
      (value) => {
        if (value instanceof Uint8Array) {
          const message = this.toMessage(opcode, value, false);
          if (message instanceof FrameError) slot.error = message;
          else slot.event = message;
        } else slot.error = value;
        this.releaseHeld();
      },
      (error: unknown) => {
        const detail = error instanceof Error ? `: ${error.message}` : '';
        slot.error = new ProtocolError('internal-error', `an extension failed${detail}`);
        this.releaseHeld();
      },
    );
  }

  private runDecoders(
    opcode: number,
    payload: Uint8Array,
    rsv: number,
    index: number,
  ): MaybePromise<Uint8Array | ConnectionError> {
    const limits = { maxMessageSize: this.limits.maxMessageSize };
    for (let i = index; i >= 0; i--) {
      const extension = this.extensions[i]!;
      if ((extension.rsv & rsv) === 0) continue;
      const result = extension.decode({ opcode, payload, rsv }, limits);
      if (isPromise(result)) {
        return result.then((value) =>
          value instanceof Uint8Array ? this.runDecoders(opcode, value, rsv, i - 1) : value,
        );
      }
      if (!(result instanceof Uint8Array)) return result;
      payload = result;
    }
    return payload;
  }

  /** Emits held events from the front, in order, as their decodes complete. */
  private releaseHeld(): void {
    const held = this.held;
    while (held !== null && held === this.held && held.length > 0) {
      const slot = held[0]!;
      if (slot.event === null && slot.error === null) return;
      held.shift();
      this.heldBytes -= slot.bytes;
      if (slot.error === null) this.dispatch(slot.event!);
      else if (this.stateValue === 'closed') this.dispatch({ type: 'error', error: slot.error });
      else this.fail(slot.error);
    }
  }

  /** @internal The decoder's callback (FrameHandler): the Protocol is its own handler. */
  onFrame(frame: Frame): void {
    // §5.2: RSV bits "MUST be 0 unless an extension is negotiated that defines meanings for
    // non-zero values"; extensions here define them for data messages only, and RFC 7692 §6.1
    // says of RSV1 on "control frames ... An endpoint receiving such a frame MUST _Fail the
    // WebSocket Connection_".
    if (frame.rsv1 || frame.rsv2 || frame.rsv3) {
      this.fail(new FrameError('reserved-bits', 'RSV bits set on a control frame'));
      return;
    }
    const payload = frame.payload;
    switch (frame.opcode) {
      case Opcode.Ping:
        // §5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in
        // response ... The Pong frame sent in response to a Ping frame must have identical
        // "Application data" as found in the message body of the Ping frame being replied to."
        if (this.autoPong && !this.closeSent) {
          // §5.5.3: "If an endpoint receives a Ping frame and has not yet sent Pong frame(s) in
          // response to previous Ping frame(s), the endpoint MAY elect to send a Pong frame for
          // only the most recently processed Ping frame": a ping flood costs one pong per write.
          if (this.blocked || this.writer.pendingBytes >= PONG_BURST) {
            this.pendingPong = payload.slice();
          } else this.writer.frame(Opcode.Pong, payload, true, 0, false);
        }
        this.emit({ type: 'ping', data: payload });
        return;
      case Opcode.Pong:
        // §5.5.3: an unsolicited or answering pong; no response expected.
        this.emit({ type: 'pong', data: payload });
        return;
      case Opcode.Close:
        this.onClose(payload);
        return;
    }
  }

  private onClose(payload: Uint8Array): void {
    const info = decodeClose(payload);
    if (info instanceof FrameError) {
      this.fail(info);
      return;
    }
    // §5.5.1: after a Close frame, nothing more from the peer is processed.
    this.decoder.stop();
    this.resetMessage();
    if (!this.closeSent) {
      // §5.5.1: "If an endpoint receives a Close frame and did not previously send a Close
      // frame, the endpoint MUST send a Close frame in response. ... typically echoing the
      // status code it received" (1000 when the peer's Close carried none).
      this.sendClose(closeCodePayload(info.code === 1005 ? 1000 : info.code));
    }
    this.finish(info.code, info.reason, true);
  }

  /** @internal The decoder's callback (FrameHandler): the Protocol is its own handler. */
  onError(error: FrameError): void {
    if (error.fatal) this.fail(error);
    else this.emit({ type: 'error', error });
  }

  /**
   * §7.1.7 _Fail the WebSocket Connection_: report the error, send a Close frame with its code
   * (unless one was sent), and discard everything the peer sends from now on.
   */
  private fail(error: ConnectionError): void {
    if (this.stateValue === 'closed') return;
    this.decoder.stop();
    this.resetMessage();
    this.held = null;
    this.heldBytes = 0;
    this.dispatch({ type: 'error', error });
    // Behind the messages already being encoded, like any Close of ours (see sendClose): they
    // were accepted by send* before the failure and precede it on the wire.
    if (!this.closeSent) this.sendClose(closeCodePayload(error.closeCode));
    this.finish(error.closeCode, '', false);
  }

  private finish(code: number, reason: string, wasClean: boolean): void {
    this.stateValue = 'closed';
    this.cleanClose = wasClean;
    this.pendingPong = null;
    if (this.deadline === undefined) this.deadline = this.now() + this.closeTimeout;
    // An encode in progress still needs its extension; disposed once the encodes settle (or
    // the transport ends; the close deadline bounds the wait for a transport).
    if (this.outChain === null || this.eof) this.disposeExtensions();
    else this.disposePending = true;
    this.emit({ type: 'close', code, reason, wasClean });
  }

  private disposeExtensions(): void {
    this.disposePending = false;
    if (this.disposed) return;
    this.disposed = true;
    for (const extension of this.extensions) {
      try {
        extension.dispose?.();
      } catch {
        // A faulty dispose must not break the close.
      }
    }
  }

  private resetMessage(): void {
    this.messageOpcode = 0;
    this.inDataFrame = false;
    this.fragments = 0;
    this.assembly.reset();
  }

  private emit(event: ProtocolEvent): void {
    const held = this.held;
    if (held === null || held.length === 0) {
      this.dispatch(event);
      return;
    }
    // Held behind an async decode: charged like a message, so a ping flood meanwhile is bounded.
    const bytes = 64 + (event.type === 'ping' || event.type === 'pong' ? event.data.length : 0);
    held.push({ event, error: null, bytes });
    this.heldBytes += bytes;
    if (this.bufferedBytes > this.limits.maxBufferedBytes) {
      this.fail(
        new ProtocolError(
          'buffer-limit',
          `holding more than ${this.limits.maxBufferedBytes} bytes for this connection`,
        ),
      );
    }
  }

  private dispatch(event: ProtocolEvent): void {
    const sink = this.sink;
    if (sink !== null) sink.event(event);
    else if (this.onEvent !== undefined) this.onEvent(event);
    else (this.queue ??= []).push(event);
  }
}

/**
 * §5.5.1: a Close body with a status code (2 bytes, network byte order) and no reason, for a
 * code already known to be sendable (one the peer sent, or one of ours). `encodeClose` would
 * also run the TextEncoder on the empty reason: profiled here at ~0.1 µs of the ~11 µs our code
 * spent per handshake + close.
 */
function closeCodePayload(code: number): Uint8Array {
  const payload = new Uint8Array(2);
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  return payload;
}

function checkFragmentSize(options: SendOptions | undefined): number {
  const size = options?.fragmentSize;
  if (size === undefined) return Number.POSITIVE_INFINITY;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
    throw new RangeError(`expected fragmentSize to be a positive integer, got ${String(size)}`);
  }
  return size;
}
