import type { ExtensionOffer } from '@ws/handshake';
import type { ConnectionError, Extension, ExtensionMessage, MaybePromise } from '@ws/protocol';
import { DEFAULT_THRESHOLD, RSV1 } from './constants.js';
import { Deflater, type DeflateTuning } from './deflate.js';
import { Inflater } from './inflate.js';
import { type Limiter, sharedLimiter } from './limiter.js';
import {
  acceptOffer,
  buildOffer,
  checkNegotiationOptions,
  checkResponse,
  type DeflateParams,
  EXTENSION_NAME,
  type NegotiationOptions,
} from './negotiation.js';
import { checkQueueOptions, compressed, inflateInOrder, OrderedJobs } from './ordered-jobs.js';

export { DEFAULT_THRESHOLD } from './constants.js';

/** Everything a user can set: negotiation, zlib tuning, and when to compress. */
export interface DeflateOptions extends NegotiationOptions, DeflateTuning {
  /** Messages with fewer payload bytes are sent uncompressed (RFC 7692 §6 allows any message to be). Default 1024. */
  threshold?: number | undefined;
  /** Where zlib operations queue; default the process-wide limiter (`setConcurrencyLimit`). */
  limiter?: Limiter | undefined;
}

/**
 * The permessage-deflate extension for one connection, plugged into `@ws/protocol`'s
 * `extensions` option. Create it from negotiated parameters, or let `negotiateServer` /
 * `negotiateClient` do so.
 */
export class PerMessageDeflate implements Extension {
  readonly name = EXTENSION_NAME;
  readonly rsv = RSV1;
  readonly role: 'server' | 'client';
  readonly params: DeflateParams;
  readonly #threshold: number;
  readonly #deflater: Deflater | null;
  readonly #inflater: Inflater;
  readonly #out: OrderedJobs;
  readonly #in: OrderedJobs;

  constructor(role: 'server' | 'client', params: DeflateParams, options: DeflateOptions = {}) {
    if (role !== 'server' && role !== 'client') {
      throw new TypeError(`role must be 'server' or 'client', got ${String(role)}`);
    }
    checkDeflateOptions(options);
    this.role = role;
    this.params = params;
    this.#threshold = options.threshold ?? DEFAULT_THRESHOLD;
    const limiter = options.limiter ?? sharedLimiter();
    this.#out = new OrderedJobs(limiter);
    this.#in = new OrderedJobs(limiter);
    const server = role === 'server';
    const outBits = server ? params.serverMaxWindowBits : params.clientMaxWindowBits;
    const outReset = server ? params.serverNoContextTakeover : params.clientNoContextTakeover;
    const inBits = server ? params.clientMaxWindowBits : params.serverMaxWindowBits;
    const inReset = server ? params.clientNoContextTakeover : params.serverNoContextTakeover;
    // node:zlib cannot compress with a 2^8 window (it uses 2^9, which a peer holding us to 8
    // cannot decode); RFC 7692 §6 lets any message go uncompressed, so with 8 none is compressed.
    this.#deflater = outBits > 8 ? new Deflater(outBits, outReset, options) : null;
    this.#inflater = new Inflater(inBits, inReset);
  }

  /** RFC 7692 §6.1: compresses a whole message and sets RSV1; small ones go out as they are. */
  encode(message: ExtensionMessage): MaybePromise<ExtensionMessage> {
    const deflater = this.#deflater;
    if (deflater === null || message.payload.length < this.#threshold) return message;
    return this.#out
      .run(() => deflater.deflate(message.payload))
      .then((payload) => compressed(message, payload));
  }

  /**
   * RFC 7692 §6.2: inflates a message that has RSV1, bounded by `maxMessageSize` (1009 beyond
   * it, 1007 for data that is not valid DEFLATE). Messages are inflated one at a time, in order,
   * since each may use the window the previous one left (§7.2.2).
   */
  decode(
    message: ExtensionMessage,
    limits: { maxMessageSize: number },
  ): MaybePromise<Uint8Array | ConnectionError> {
    return inflateInOrder(this.#in, this.#inflater, message, limits);
  }

  /** Frees both zlib streams (about 300 KiB with the default settings). */
  dispose(): void {
    this.#deflater?.close();
    this.#inflater.close();
  }
}

/**
 * Throws TypeError / RangeError (caller misuse) for options that are not valid, so a client or
 * server can check them before any connection is made.
 */
export function checkDeflateOptions(options: DeflateOptions): void {
  checkNegotiationOptions(options);
  const { threshold, level, memLevel, limiter } = options;
  checkQueueOptions(threshold, limiter);
  if (level !== undefined && (!Number.isInteger(level) || level < -1 || level > 9)) {
    throw new RangeError(`level must be an integer from -1 to 9, got ${String(level)}`);
  }
  if (memLevel !== undefined && (!Number.isInteger(memLevel) || memLevel < 1 || memLevel > 9)) {
    throw new RangeError(`memLevel must be an integer from 1 to 9, got ${String(memLevel)}`);
  }
}

/**
 * `true` → defaults, an object → itself, `false` → null; `undefined` → the side's default
 * (`defaultOn`). Throws TypeError for anything else.
 */
export function resolveDeflateOptions(
  value: boolean | DeflateOptions | undefined,
  defaultOn: boolean,
): DeflateOptions | null {
  if (value === undefined) return defaultOn ? {} : null;
  if (value === true) return {};
  if (value === false) return null;
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(
      `perMessageDeflate must be a boolean or an options object, got ${String(value)}`,
    );
  }
  checkDeflateOptions(value);
  return value;
}

/** What the server sends and runs after accepting an offer. */
export interface ServerDeflate {
  /** The element for the 101 response's `Sec-WebSocket-Extensions` (pass to `acceptResponse`). */
  response: ExtensionOffer;
  /** The same element formatted, e.g. `permessage-deflate; server_max_window_bits=10`. */
  header: string;
  /** For `ProtocolOptions.extensions`. */
  extension: PerMessageDeflate;
}

/**
 * The server side in one call: given the client's offers (`AcceptedHandshake.extensions` from
 * `@ws/handshake`'s `validateRequest`) and the server's option (off unless `true` or an object),
 * returns what to answer and the extension to run, or `null` to answer without compression.
 * Invalid offers are declined (RFC 7692 §7.1), never thrown on. Throws only for bad options.
 */
export function negotiateServer(
  offers: readonly ExtensionOffer[],
  options: boolean | DeflateOptions | undefined,
): ServerDeflate | null {
  const resolved = resolveDeflateOptions(options, false);
  if (resolved === null) return null;
  const result = acceptOffer(offers, resolved);
  if (!result.ok) return null;
  return {
    response: result.response,
    header: formatElement(result.response),
    extension: new PerMessageDeflate('server', result.params, resolved),
  };
}

/** The client's offer for `buildRequest`'s `extensions`, or `null` when disabled (default on). */
export function clientOffer(options: boolean | DeflateOptions | undefined): ExtensionOffer | null {
  const resolved = resolveDeflateOptions(options, true);
  return resolved === null ? null : buildOffer(resolved);
}

/**
 * The client side after the 101: `accepted` is the server's `Sec-WebSocket-Extensions` elements
 * (`validateResponse(...).extensions`). `extension` is null when the server declined; a failure
 * means the client must fail the connection (RFC 7692 §7.1).
 */
export function negotiateClient(
  accepted: readonly ExtensionOffer[],
  options: boolean | DeflateOptions | undefined,
): { ok: true; extension: PerMessageDeflate | null } | { ok: false; reason: string } {
  const resolved = resolveDeflateOptions(options, true);
  if (resolved === null) return { ok: true, extension: null };
  const result = checkResponse(accepted, resolved);
  if (!result.ok) return result;
  return {
    ok: true,
    extension:
      result.params === null ? null : new PerMessageDeflate('client', result.params, resolved),
  };
}

function formatElement(element: ExtensionOffer): string {
  let out = element.name;
  for (const param of element.params) {
    out += param.value === undefined ? `; ${param.name}` : `; ${param.name}=${param.value}`;
  }
  return out;
}
