export { fromSocket, type SocketConnectionOptions } from './from-socket.js';
export { SocketTransport } from './socket-transport.js';
