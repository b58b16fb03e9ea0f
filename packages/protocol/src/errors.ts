import type { FrameError } from '@ws/frame';

/**
 * Every way a peer can break the rules above the frame layer (message assembly, limits,
 * extensions), each with the close code to send (RFC 6455 §7.4.1). One table, so a kind and
 * its code cannot drift apart. Wire-format errors are @ws/frame's `FrameError` kinds.
 */
export const PROTOCOL_ERROR_CLOSE_CODES = {
  /** §5.4: a continuation frame arrived while no fragmented message was in progress. */
  'unexpected-continuation': 1002,
  /** §5.4: a new text/binary frame arrived inside a fragmented message. */
  'expected-continuation': 1002,
  /** The reassembled message would exceed `limits.maxMessageSize`. */
  'message-too-large': 1009,
  /** A message arrived in more frames than `limits.maxFragments`. */
  'too-many-fragments': 1009,
  /** The bytes held for this connection would exceed `limits.maxBufferedBytes`. */
  'buffer-limit': 1009,
  /** A negotiated extension could not transform a message (e.g. corrupt compressed data). */
  'extension-failed': 1007,
  /** Our own fault (an extension threw): 1011 with no detail for the peer. */
  'internal-error': 1011,
} as const;

export type ProtocolErrorKind = keyof typeof PROTOCOL_ERROR_CLOSE_CODES;

/**
 * A typed error value for something the peer sent that breaks the protocol above the frame
 * layer. Handed out as an event or a `receive()` result, never thrown.
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  /** The close code sent for this error (1002, 1007, 1009, 1011). */
  readonly closeCode: number;
  /** Always true: a ProtocolError fails the connection. */
  readonly fatal = true;

  constructor(
    readonly kind: ProtocolErrorKind,
    message: string,
  ) {
    super(message);
    this.closeCode = PROTOCOL_ERROR_CLOSE_CODES[kind];
  }
}

/** Any error value a connection reports: wire format (`FrameError`) or protocol (`ProtocolError`). */
export type ConnectionError = FrameError | ProtocolError;

/**
 * Thrown (or, from a promise-returning method, rejected with) when the application sends
 * after the closing handshake started: RFC 6455 §5.5.1, "After sending a Close frame, the
 * endpoint MUST NOT send any further data frames". A caller error, never a peer error.
 */
export class ConnectionClosedError extends Error {
  override readonly name = 'ConnectionClosedError';
}
