/// <reference types="node" />
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { refuse } from './refuse.js';

/** An `http.Server` or `https.Server` (anything emitting Node's 'upgrade' event). */
export interface UpgradeEmitter {
  on(
    event: 'upgrade',
    listener: (req: IncomingMessage, socket: Socket, head: Buffer) => void,
  ): unknown;
  off(
    event: 'upgrade',
    listener: (req: IncomingMessage, socket: Socket, head: Buffer) => void,
  ): unknown;
  listenerCount(event: 'upgrade'): number;
}

/** One server attached to an HTTP server: it says whether a request is its own, then takes it. */
export interface UpgradeTarget {
  /** true: handled; false: not this server's request. */
  offer(req: IncomingMessage, socket: Socket, head: Buffer): boolean;
}

/**
 * The single 'upgrade' listener all @ws servers attached to one HTTP server share. Each request
 * goes to the first server that wants it; one that none wants is left to the HTTP server's other
 * 'upgrade' listeners, or answered 404 when there are none (else the socket would hang).
 */
class UpgradeDispatcher {
  readonly targets: UpgradeTarget[] = [];
  readonly listener = (req: IncomingMessage, socket: Socket, head: Buffer): void => {
    for (const target of this.targets) if (target.offer(req, socket, head)) return;
    if (this.emitter.listenerCount('upgrade') === 1) {
      socket.on('error', noop);
      refuse(socket, 404, 'No WebSocket endpoint at this path');
    }
  };

  constructor(readonly emitter: UpgradeEmitter) {}
}

function noop(): void {}

const dispatchers = new WeakMap<UpgradeEmitter, UpgradeDispatcher>();

export function attach(emitter: UpgradeEmitter, target: UpgradeTarget): void {
  let dispatcher = dispatchers.get(emitter);
  if (dispatcher === undefined) {
    dispatcher = new UpgradeDispatcher(emitter);
    dispatchers.set(emitter, dispatcher);
    emitter.on('upgrade', dispatcher.listener);
  }
  dispatcher.targets.push(target);
}

export function detach(emitter: UpgradeEmitter, target: UpgradeTarget): void {
  const dispatcher = dispatchers.get(emitter);
  if (dispatcher === undefined) return;
  const index = dispatcher.targets.indexOf(target);
  if (index !== -1) dispatcher.targets.splice(index, 1);
  if (dispatcher.targets.length === 0) {
    emitter.off('upgrade', dispatcher.listener);
    dispatchers.delete(emitter);
  }
}
