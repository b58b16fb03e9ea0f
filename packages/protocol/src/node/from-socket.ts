/// <reference types="node" />
import type { Socket } from 'node:net';
import { Connection, type ConnectionOptions } from '../connection.js';
import { SocketTransport } from './socket-transport.js';

export interface SocketConnectionOptions extends ConnectionOptions {
  /** Bytes already read past the HTTP head (the `head` of Node's 'upgrade' event). */
  head?: Uint8Array;
}

/**
 * A Connection over a `net.Socket` or `tls.TLSSocket` once the opening handshake is done.
 * Errors on the socket end the connection (a close with 1006); nothing is thrown or left
 * as an unhandled rejection.
 */
export function fromSocket(socket: Socket, options: SocketConnectionOptions): Connection {
  const { head, ...rest } = options;
  return new Connection(new SocketTransport(socket, head), rest);
}
