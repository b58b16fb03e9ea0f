import type { ExtensionOffer } from '@ws/handshake';
import { Connection, type ConnectionOptions } from '@ws/protocol';
import type { SocketTransport } from '@ws/protocol/node';

/** What the server answered to the opening handshake. */
export interface HandshakeResponse {
  status: number;
  statusText: string;
  /** Header lines as received, names in their original case. */
  headers: readonly (readonly [string, string])[];
}

/** What the handshake settled, kept on the connection. */
export interface HandshakeInfo {
  url: string;
  subprotocol: string | undefined;
  extensions: readonly ExtensionOffer[];
  response: HandshakeResponse;
}

/**
 * The `Connection` that `connect()` resolves to: the same engine and API a server hands out
 * (`sendText`, `sendBinary`, `receive`, `for await`, `close`, events), plus what the handshake
 * settled.
 */
export class ClientConnection extends Connection {
  /** The URL connected to, serialized. */
  readonly url: string;
  /** The subprotocol the server chose (one of `protocols`), or undefined. */
  readonly subprotocol: string | undefined;
  /** The extensions in force, as the server accepted them (permessage-deflate or none). */
  readonly extensions: readonly ExtensionOffer[];
  /** The 101 response. */
  readonly response: HandshakeResponse;

  constructor(transport: SocketTransport, options: ConnectionOptions, info: HandshakeInfo) {
    super(transport, options);
    this.url = info.url;
    this.subprotocol = info.subprotocol;
    this.extensions = info.extensions;
    this.response = info.response;
  }
}
