import type { MaskKeySource } from '@ws/frame';
import type { ProtocolEvent } from './events.js';
import type { Extension } from './extension.js';

/** Limits on what a peer can make a connection hold. Every one is enforced before allocating. */
export interface Limits {
  /** Largest message after reassembly, in bytes; more fails with 1009. Default 64 MiB. */
  maxMessageSize: number;
  /** Largest single frame payload, in bytes; more fails with 1009. Default: maxMessageSize. */
  maxFrameSize: number;
  /** Most frames one message may arrive in; more fails with 1009. Default 8192. */
  maxFragments: number;
  /**
   * Most bytes held for one connection at once — the message being assembled (counted by the
   * capacity allocated, not the bytes received, so tiny fragments or tiny reads cannot pin
   * more), partial frame headers, and messages held behind an async extension. More fails
   * with 1009. Default: maxMessageSize + 1 MiB.
   */
  maxBufferedBytes: number;
}

export const DEFAULT_MAX_MESSAGE_SIZE = 64 * 1024 * 1024;
export const DEFAULT_MAX_FRAGMENTS = 8192;
export const DEFAULT_CLOSE_TIMEOUT = 5000;

export interface ProtocolOptions {
  /** 'server' expects masked frames and sends unmasked ones; 'client' the reverse (§5.1). */
  role: 'server' | 'client';
  limits?: Partial<Limits>;
  /** Answer each ping with a pong carrying the same payload (§5.5.2). Default true. */
  autoPong?: boolean;
  /** Fail the connection on a masking violation (§5.1) instead of reporting it. Default true. */
  strict?: boolean;
  /** Milliseconds the closing handshake may take before the transport should be destroyed. Default 5000. */
  closeTimeout?: number;
  /** Negotiated extensions, in the order the handshake agreed. Default none. */
  extensions?: readonly Extension[];
  /** Source of masking keys for a client (§5.3). Default: @ws/frame's pooled CSPRNG source. */
  maskKeySource?: MaskKeySource;
  /**
   * Receives every event synchronously, as it happens. Without it events are queued for
   * `takeEvents()`.
   */
  onEvent?: (event: ProtocolEvent) => void;
  /**
   * Called once whenever bytes to send become available after `bytesToSend()` emptied the
   * queue (e.g. to schedule one write for everything produced in this tick).
   */
  onOutput?: () => void;
  /** Clock for `closeDeadline`, in milliseconds. Default Date.now. */
  now?: () => number;
  /**
   * Allocates a buffer without zero-filling it (Node: Buffer.allocUnsafeSlow), used only for a
   * frame of known length that is completely overwritten before anyone sees it. Measured
   * here: zero-filling was 14% of the server's CPU echoing 64 KiB messages. Default: none
   * (new Uint8Array).
   */
  allocateUninitialized?: (size: number) => Uint8Array;
  /**
   * A platform unmask kernel tried before @ws/frame's (see FrameDecoderOptions.unmask): gets a
   * payload piece, the key packed in one integer (key byte 0 in the low 8 bits) and the phase;
   * returns false to leave the piece to the built-in kernel. Default: none.
   */
  unmask?: (data: Uint8Array, key: number, phase: number) => boolean;
  /**
   * A platform kernel that unmasks while it copies: `target[offset + i] = source[i] XOR key
   * byte (phase + i) & 3` (§5.3), the key packed as for `unmask`. When given, the payload of a
   * frame that is gathered (it spans reads, or is a fragment) is unmasked as it is copied into
   * the message instead of in place first, one pass over the bytes instead of two. Measured
   * here with bufferutil (echo of 64 KiB messages, every frame spanning two reads): server CPU
   * per message 31.0 µs against 32.5 µs unmasking in place first (ws + bufferutil: 34.8 µs),
   * medians of 8 interleaved rounds. Default: @ws/frame's `maskCopy` (WebAssembly SIMD from 64
   * bytes: copy in, XOR, copy out), which takes 1.4× less time than unmasking in place and then
   * copying for 64 KiB messages gathered from two reads (Protocol.receive, scratch bench).
   */
  unmaskCopy?: (
    source: Uint8Array,
    target: Uint8Array,
    offset: number,
    key: number,
    phase: number,
  ) => void;
  /**
   * Allocates buffers for outgoing bytes: the batch that small frames are written into and the
   * masked copy of a large payload. Only the transport reads them, and only the ranges already
   * written, so they may be uninitialized and carved from a shared pool (Node:
   * Buffer.allocUnsafe). Never used for anything handed to the application. Default: none
   * (new Uint8Array).
   */
  allocateOutput?: (size: number) => Uint8Array;
  /**
   * A platform UTF-8 check (Node: `isUtf8` from `node:buffer`, simdutf) for the text of a
   * message that spans reads, which is validated piece by piece as it arrives (§8.1 fail fast):
   * see @ws/frame's `Utf8ValidatorOptions.isUtf8`. It must be a correct validator (its `true`
   * is trusted); the first invalid byte is still found by @ws/frame's own check. `null`: use
   * @ws/frame's check alone even when the transport offers a platform one. Default: the
   * transport's (`SocketTransport`: `buffer.isUtf8`), else none.
   */
  isUtf8?: ((bytes: Uint8Array) => boolean) | null;
}

function checkCount(name: string, value: number, min: number): number {
  if (typeof value !== 'number' || !(value >= min) || !Number.isInteger(value)) {
    throw new RangeError(
      `expected limits.${name} to be an integer >= ${min}, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * Fills in the defaults and validates every limit (RangeError on a bad value). The result is
 * frozen and may be shared: a server passes the same `limits` object for every connection, and
 * gets one resolved object back for all of them rather than one each.
 */
export function resolveLimits(limits: Partial<Limits> | undefined): Limits {
  if (limits === undefined) return (defaults ??= Object.freeze(computeLimits(undefined)));
  const last = lastResolved;
  // Same object with the same values as last time (it may have been changed in between).
  if (
    last !== null &&
    last.from === limits &&
    last.maxMessageSize === limits.maxMessageSize &&
    last.maxFrameSize === limits.maxFrameSize &&
    last.maxFragments === limits.maxFragments &&
    last.maxBufferedBytes === limits.maxBufferedBytes
  ) {
    return last.resolved;
  }
  const resolved = Object.freeze(computeLimits(limits));
  lastResolved = {
    from: limits,
    maxMessageSize: limits.maxMessageSize,
    maxFrameSize: limits.maxFrameSize,
    maxFragments: limits.maxFragments,
    maxBufferedBytes: limits.maxBufferedBytes,
    resolved,
  };
  return resolved;
}

/** Shared by every connection without custom limits: one object, not one each. */
let defaults: Limits | undefined;
/** The last custom limits resolved, with the values they had then. */
let lastResolved: (Partial<Limits> & { from: Partial<Limits>; resolved: Limits }) | null = null;

function computeLimits(limits: Partial<Limits> | undefined): Limits {
  const maxMessageSize = checkCount(
    'maxMessageSize',
    limits?.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
    0,
  );
  return {
    maxMessageSize,
    maxFrameSize: checkCount('maxFrameSize', limits?.maxFrameSize ?? maxMessageSize, 0),
    maxFragments: checkCount('maxFragments', limits?.maxFragments ?? DEFAULT_MAX_FRAGMENTS, 1),
    maxBufferedBytes: checkCount(
      'maxBufferedBytes',
      limits?.maxBufferedBytes ?? maxMessageSize + 1024 * 1024,
      0,
    ),
  };
}
