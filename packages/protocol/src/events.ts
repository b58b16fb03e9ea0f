import type { ConnectionError } from './errors.js';

/** A complete text message (RFC 6455 §5.6), validated as UTF-8. */
export interface TextMessage {
  type: 'text';
  data: string;
}

/** A complete binary message (RFC 6455 §5.6). */
export interface BinaryMessage {
  type: 'binary';
  data: Uint8Array;
}

export type Message = TextMessage | BinaryMessage;

/** The end of a connection, reported exactly once. */
export interface CloseMessage {
  type: 'close';
  /** The peer's close code (1005 when its Close frame had none); ours after a protocol failure; 1006 when the transport ended without a closing handshake. */
  code: number;
  reason: string;
  /** True when the closing handshake completed (a Close frame went each way). */
  wasClean: boolean;
}

export interface PingEvent {
  type: 'ping';
  data: Uint8Array;
}

export interface PongEvent {
  type: 'pong';
  data: Uint8Array;
}

export interface ProtocolErrorEvent {
  type: 'error';
  error: ConnectionError;
}

/** Everything a Protocol reports, in the order it happened on the wire. */
export type ProtocolEvent = Message | PingEvent | PongEvent | CloseMessage | ProtocolErrorEvent;
