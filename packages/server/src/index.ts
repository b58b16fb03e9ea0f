export type {
  CloseMessage,
  ConnectionError,
  ConnectionEvents,
  Message,
  ReceiveResult,
} from '@ws/protocol';
export type { UpgradeEmitter } from './attach.js';
export type { SlowClientPolicy } from './broadcast.js';
export { HandshakeError, type HandshakeErrorKind } from './errors.js';
export {
  DEFAULT_HANDSHAKE_TIMEOUT,
  DEFAULT_MAX_HEADER_BYTES,
  DEFAULT_MAX_HEADERS,
  type MaybePromise,
  type ServerConnectionOptions,
  type UpgradeOptions,
  type VerifyResult,
} from './options.js';
export { type AllowOriginsOptions, allowOrigins } from './origin.js';
export type { UpgradeRequest } from './request.js';
export {
  WebSocketServer,
  type WebSocketServerEvents,
  type WebSocketServerOptions,
  type WebSocketServerState,
} from './server.js';
export { ServerConnection } from './server-connection.js';
export { upgrade } from './upgrade.js';
