/// <reference types="node" />
import type { Socket } from 'node:net';
import { handshake, NO_HOOKS } from './handshake.js';
import { resolveUpgradeOptions, type UpgradeConfig, type UpgradeOptions } from './options.js';
import type { UpgradeRequest } from './request.js';
import { ServerConnection } from './server-connection.js';

const DEFAULT_CONFIG = /* @__PURE__ */ resolveUpgradeOptions(undefined);
/** Options objects are usually reused for every request: checked once each. */
const configs = /* @__PURE__ */ new WeakMap<UpgradeOptions, UpgradeConfig>();

function configFor(options: UpgradeOptions | undefined): UpgradeConfig {
  if (options === undefined) return DEFAULT_CONFIG;
  let config = configs.get(options);
  if (config === undefined) {
    config = resolveUpgradeOptions(options);
    configs.set(options, config);
  }
  return config;
}

/**
 * The opening handshake for Node's `'upgrade'` event (`http.Server`, `https.Server`, or any
 * framework that hands out the request, its socket and the bytes read past the head).
 * Resolves to the connection once the 101 is written; on a bad or refused request it answers
 * the status (400, 405, 426, 403, 431, 408, 500…), closes the socket and rejects with a
 * `HandshakeError` carrying that status. The promise never counts as an unhandled rejection.
 * Throws at once (TypeError/RangeError) for invalid options. An options object is read and
 * checked the first time it is seen (pass a new object to change settings).
 */
export function upgrade(
  req: UpgradeRequest,
  socket: Socket,
  head?: Uint8Array,
  options?: UpgradeOptions,
): Promise<ServerConnection> {
  if (req === null || typeof req !== 'object') throw new TypeError('upgrade: expected a request');
  if (socket === null || typeof socket !== 'object' || typeof socket.write !== 'function') {
    throw new TypeError('upgrade: expected a net.Socket or tls.TLSSocket');
  }
  const result = handshake(req, socket, head, configFor(options), NO_HOOKS);
  return result instanceof ServerConnection ? Promise.resolve(result) : result;
}
