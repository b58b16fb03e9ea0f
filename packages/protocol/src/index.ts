export { type CloseTimerEntry, cancelClose, scheduleClose } from './close-timer.js';
export {
  Connection,
  type ConnectionEvents,
  type ConnectionOptions,
  type ReadyState,
  type ReceiveResult,
} from './connection.js';
export { Emitter } from './emitter.js';
export {
  ConnectionClosedError,
  type ConnectionError,
  PROTOCOL_ERROR_CLOSE_CODES,
  ProtocolError,
  type ProtocolErrorKind,
} from './errors.js';
export type {
  BinaryMessage,
  CloseMessage,
  Message,
  PingEvent,
  PongEvent,
  ProtocolErrorEvent,
  ProtocolEvent,
  TextMessage,
} from './events.js';
export type { Extension, ExtensionMessage, MaybePromise } from './extension.js';
export {
  DEFAULT_CLOSE_TIMEOUT,
  DEFAULT_MAX_FRAGMENTS,
  DEFAULT_MAX_MESSAGE_SIZE,
  type Limits,
  type ProtocolOptions,
  resolveLimits,
} from './options.js';
export { Protocol, type ProtocolState, type SendOptions } from './protocol.js';
export type { Transport, TransportController } from './transport.js';
