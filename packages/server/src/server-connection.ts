/// <reference types="node" />
import type { Socket } from 'node:net';
import { Connection, type ConnectionEvents, type ConnectionOptions } from '@ws/protocol';
import { SocketTransport } from '@ws/protocol/node';

/** What a server needs to hear from its connections, without a closure per connection. */
export interface ConnectionOwner {
  connectionClosed(connection: ServerConnection): void;
}

/**
 * A server-side connection: `@ws/protocol`'s Connection plus the socket it runs on and the
 * negotiated subprotocol. Heartbeat and registry state are plain fields (no listener or timer
 * per connection).
 */
export class ServerConnection extends Connection {
  /** The TCP (or TLS) socket underneath. */
  declare readonly socket: Socket;
  /** The subprotocol agreed in the handshake; '' when none (like WHATWG `WebSocket.protocol`). */
  declare readonly subprotocol: string;
  /** @internal Set by a pong; cleared by each heartbeat ping. */
  declare alive: boolean;
  /** @internal */
  declare owner: ConnectionOwner | null;

  constructor(
    socket: Socket,
    head: Uint8Array | undefined,
    options: ConnectionOptions,
    subprotocol: string,
    owner: ConnectionOwner | null,
  ) {
    super(new SocketTransport(socket, head), options);
    // Assigned after super(): the transport may deliver `head` from inside the constructor,
    // and `declare` keeps these from being reset to undefined by field definitions.
    this.socket = socket;
    this.subprotocol = subprotocol;
    this.alive = true;
    this.owner = owner;
  }

  protected override emit<K extends keyof ConnectionEvents>(
    event: K,
    ...args: Parameters<ConnectionEvents[K]>
  ): void {
    if (event === 'pong') this.alive = true;
    else if (event === 'close') {
      const owner = this.owner;
      if (owner != null) {
        this.owner = null;
        owner.connectionClosed(this);
      }
    }
    super.emit(event, ...args);
  }
}
