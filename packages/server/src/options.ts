import { type AcceptedHandshake, acceptResponse, type OutgoingHeaders } from '@ws/handshake';
import { type DeflateOptions, resolveDeflateOptions } from '@ws/permessage-deflate';
import { type ConnectionOptions, resolveLimits } from '@ws/protocol';
import type { UpgradeRequest } from './request.js';

/**
 * What `verify` answers: `true` accepts; `false` refuses with 403; a number refuses with that
 * status (400–599); an object refuses with its status, body text and extra headers.
 */
export type VerifyResult =
  | boolean
  | number
  | { status: number; reason?: string | undefined; headers?: OutgoingHeaders | undefined };

export type MaybePromise<T> = T | Promise<T>;

/** Connection settings passed to every accepted connection (see `@ws/protocol`). */
export type ServerConnectionOptions = Omit<
  ConnectionOptions,
  'role' | 'extensions' | 'maskKeySource' | 'now'
>;

export interface UpgradeOptions extends ServerConnectionOptions {
  /**
   * Accepts or refuses a valid handshake (after the RFC checks, before the 101). May be async;
   * it counts against `handshakeTimeout`. A throw or rejection refuses with 500.
   */
  verify?:
    | ((req: UpgradeRequest, handshake: AcceptedHandshake) => MaybePromise<VerifyResult>)
    | undefined;
  /**
   * Chooses a subprotocol from the client's offer (in its order of preference); undefined for
   * none. Only called when the client offered some. Returning a value not offered is a bug
   * (the handshake fails with 500).
   */
  protocols?:
    | ((offered: readonly string[], req: UpgradeRequest) => MaybePromise<string | undefined>)
    | undefined;
  /** Milliseconds for the whole opening handshake (request head, verify, 101). Default 10 000. */
  handshakeTimeout?: number | undefined;
  /** Most request header lines; more is answered with 431. Default 100. */
  maxHeaders?: number | undefined;
  /** Most bytes of request headers; more is answered with 431. Default 16 384. */
  maxHeaderBytes?: number | undefined;
  /** Extra headers on the 101 response (e.g. Set-Cookie). */
  headers?: OutgoingHeaders | undefined;
  /**
   * permessage-deflate (RFC 7692): off by default; `true` accepts a client's offer with the
   * defaults, an object tunes it (see `@ws/permessage-deflate`). Checked once, here.
   */
  perMessageDeflate?: boolean | DeflateOptions | undefined;
}

export const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;
export const DEFAULT_MAX_HEADERS = 100;
export const DEFAULT_MAX_HEADER_BYTES = 16 * 1024;

/** UpgradeOptions checked once, with defaults filled in. */
export interface UpgradeConfig {
  verify: UpgradeOptions['verify'];
  protocols: UpgradeOptions['protocols'];
  handshakeTimeout: number;
  maxHeaders: number;
  maxHeaderBytes: number;
  headers: OutgoingHeaders | undefined;
  /** null when compression is off. */
  perMessageDeflate: DeflateOptions | null;
  connection: ConnectionOptions;
}

export function checkInteger(what: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${what}: expected an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

function checkFunction(what: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`${what}: expected a function, got ${typeof value}`);
  }
}

export function resolveUpgradeOptions(options: UpgradeOptions | undefined): UpgradeConfig {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new TypeError('expected an options object');
  }
  const {
    verify,
    protocols,
    handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT,
    maxHeaders = DEFAULT_MAX_HEADERS,
    maxHeaderBytes = DEFAULT_MAX_HEADER_BYTES,
    headers,
    perMessageDeflate,
    ...connection
  } = options ?? {};
  checkFunction('verify', verify);
  checkFunction('protocols', protocols);
  // Server-only keys a caller may pass in one options object; they are not connection options.
  for (const key of SERVER_KEYS) delete (connection as Record<string, unknown>)[key];
  // Misuse is reported here, once, rather than as a 500 on every handshake.
  if (headers !== undefined) acceptResponse({ key: SAMPLE_KEY, headers });
  resolveLimits(connection.limits);
  for (const name of ['closeTimeout', 'highWaterMark', 'readHighWaterMark'] as const) {
    const value = connection[name];
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0))) {
      throw new RangeError(`${name}: expected a number >= 0, got ${String(value)}`);
    }
  }
  return {
    verify,
    protocols,
    handshakeTimeout: checkInteger('handshakeTimeout', handshakeTimeout, 1),
    maxHeaders: checkInteger('maxHeaders', maxHeaders, 1),
    maxHeaderBytes: checkInteger('maxHeaderBytes', maxHeaderBytes, 1),
    headers,
    perMessageDeflate: resolveDeflateOptions(perMessageDeflate, false),
    connection: { ...connection, role: 'server' },
  };
}

/** RFC 6455 §1.3's example key, to check extra 101 headers once. */
const SAMPLE_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

const SERVER_KEYS = [
  'port',
  'host',
  'backlog',
  'server',
  'path',
  'noServer',
  'shouldHandle',
  'maxConnections',
  'heartbeatInterval',
  'maxBufferedAmount',
  'slowClients',
];
