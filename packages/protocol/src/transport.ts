/**
 * What a Connection needs from a byte transport (a TCP socket, a Web Streams pair, a child
 * process's pipes …). The binding calls the controller as things happen; the Connection calls
 * the transport. Implement this to run a WebSocket over anything that carries bytes in order.
 */
export interface Transport {
  /** Called once by the Connection's constructor; report events to `controller` from then on. */
  start(controller: TransportController): void;
  /**
   * Hands `parts` to the byte sink, in order, as one batch where the sink allows it (one
   * system call for a socket). Call `controller.written()` exactly once per call, when all
   * the parts have been handed over (or with an error when they could not be).
   */
  write(parts: readonly Uint8Array[]): void;
  /** Bytes passed to write() and not handed over yet. */
  readonly bufferedAmount: number;
  /** Stop reporting data (inbound backpressure) until resume(). */
  pause(): void;
  resume(): void;
  /** Finish writing what is pending, then close the sending side; call controller.closed() once fully closed. */
  end(): void;
  /** Close at once, dropping pending writes; call controller.closed(). */
  destroy(): void;
  /**
   * Optional: run `task` once the current task and its microtasks are done (Node:
   * process.nextTick), so every frame produced in one tick leaves in one write. Default: queueMicrotask.
   */
  defer?(task: () => void): void;
  /**
   * Optional: allocates memory that need not be zero-filled (Node: Buffer.allocUnsafeSlow),
   * used as the Protocol's `allocateUninitialized` when the options give none. Called without
   * `this`.
   */
  readonly allocateUninitialized?: (size: number) => Uint8Array;
  /**
   * Optional: a platform unmask kernel (Node: `bufferutil` when installed), used as the
   * Protocol's `unmask` when the options give none. Called without `this`.
   */
  readonly unmask?: (data: Uint8Array, key: number, phase: number) => boolean;
  /**
   * Optional: a platform kernel that unmasks while copying (Node: `bufferutil` when
   * installed), used as the Protocol's `unmaskCopy` when the options give none. Called
   * without `this`.
   */
  readonly unmaskCopy?: (
    source: Uint8Array,
    target: Uint8Array,
    offset: number,
    key: number,
    phase: number,
  ) => void;
  /**
   * Optional: allocates buffers for outgoing bytes (Node: Buffer.allocUnsafe, pooled), used as
   * the Protocol's `allocateOutput` when the options give none. Called without `this`.
   */
  readonly allocateOutput?: (size: number) => Uint8Array;
  /**
   * Optional: a platform UTF-8 validator (Node: `buffer.isUtf8`), used as the Protocol's
   * `isUtf8` when the options give none. Called without `this`.
   */
  readonly isUtf8?: (bytes: Uint8Array) => boolean;
}

export interface TransportController {
  /** Bytes from the peer. The connection takes ownership of `chunk` (it unmasks in place). */
  data(chunk: Uint8Array): void;
  /** The peer finished sending (EOF). */
  end(): void;
  /** The transport is fully closed; nothing more will be read or written. */
  closed(error?: unknown): void;
  /** One call per write(), in order: the batch was handed over (or failed with `error`). */
  written(error?: unknown): void;
  /** bufferedAmount dropped (e.g. a socket's 'drain'); the connection re-checks its high-water mark. */
  drain(): void;
}
