export {
  ClientConnection,
  type HandshakeInfo,
  type HandshakeResponse,
} from './client-connection.js';
export { connect } from './connect.js';
export { HandshakeError, type HandshakeErrorKind } from './errors.js';
export { CloseEvent, type CloseEventInit, ErrorEvent, type ErrorEventInit } from './events.js';
export {
  type ClientLimits,
  type ConnectOptions,
  DEFAULT_HANDSHAKE_TIMEOUT,
  type SocketOptions,
} from './options.js';
export {
  type BinaryType,
  WebSocket,
  type WebSocketEventMap,
  type WebSocketOptions,
} from './websocket.js';
