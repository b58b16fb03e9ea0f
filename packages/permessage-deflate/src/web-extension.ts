import { type ExtensionOffer, formatExtensions } from '@ws/handshake';
import type { ConnectionError, Extension, ExtensionMessage, MaybePromise } from '@ws/protocol';
import { DEFAULT_THRESHOLD, RSV1 } from './constants.js';
import { type Limiter, sharedLimiter } from './limiter.js';
import {
  acceptOffer,
  buildOffer,
  checkResponse,
  type DeflateParams,
  EXTENSION_NAME,
  MAX_WINDOW_BITS,
} from './negotiation.js';
import { checkQueueOptions, compressed, inflateInOrder, OrderedJobs } from './ordered-jobs.js';
import { deflateMessage } from './web-deflate.js';
import { WebInflater } from './web-inflate.js';

/** What can be tuned on the web path: when to compress, and where the work queues. */
export interface WebDeflateOptions {
  /** Messages with fewer payload bytes are sent uncompressed (RFC 7692 §6 allows any message to be). Default 1024. */
  threshold?: number | undefined;
  /** Where (de)compressions queue; default the process-wide limiter (10 at once). */
  limiter?: Limiter | undefined;
}

/**
 * The parameters the web path negotiates: RFC 7692 §7.1.1.1 lets a client offer
 * `server_no_context_takeover` and a server include it unasked; §7.1.1.2 lets a client offer
 * `client_no_context_takeover` and a server include it "even if" not offered. With both, every
 * message is an independent DEFLATE stream in either direction.
 */
const NO_CONTEXT_TAKEOVER = {
  serverNoContextTakeover: true,
  clientNoContextTakeover: true,
} as const;

let supported: boolean | undefined;

/** Whether this runtime has `CompressionStream('deflate-raw')` and `DecompressionStream('deflate-raw')`; checked once. */
export function webDeflateSupported(): boolean {
  if (supported === undefined) {
    try {
      new CompressionStream('deflate-raw');
      new DecompressionStream('deflate-raw');
      supported = true;
    } catch {
      supported = false;
    }
  }
  return supported;
}

/**
 * permessage-deflate on `CompressionStream` / `DecompressionStream`, for any runtime that has
 * them: an `Extension` for `@ws/protocol`. It needs the peer to reset its context for every
 * message it sends (the web streams cannot keep a window between messages), so the parameters
 * must include that direction's `*_no_context_takeover`; `negotiateWebServer` and
 * `negotiateWebClient` arrange it.
 *
 * Outgoing messages are compressed only when the peer agreed to our `*_no_context_takeover` too
 * (each ends its DEFLATE stream with BFINAL, §7.2.3.4, which a receiver keeping its window across
 * messages may not expect), and only when their length fits our agreed window: the compressor's
 * window is 2^15, but without context takeover no DEFLATE distance reaches back past the message's
 * own start, so a message of at most 2^n bytes is valid for a `*_max_window_bits=n` window
 * (§7.1.2.1). Others go out uncompressed, as §6 allows.
 */
export class WebPerMessageDeflate implements Extension {
  readonly name = EXTENSION_NAME;
  readonly rsv = RSV1;
  readonly role: 'server' | 'client';
  readonly params: DeflateParams;
  readonly #threshold: number;
  readonly #maxCompressed: number;
  readonly #inflater = new WebInflater();
  readonly #out: OrderedJobs;
  readonly #in: OrderedJobs;

  constructor(role: 'server' | 'client', params: DeflateParams, options: WebDeflateOptions = {}) {
    if (role !== 'server' && role !== 'client') {
      throw new TypeError(`role must be 'server' or 'client', got ${String(role)}`);
    }
    checkWebDeflateOptions(options);
    const server = role === 'server';
    const peerResets = server ? params.clientNoContextTakeover : params.serverNoContextTakeover;
    if (peerResets !== true) {
      throw new RangeError(
        `the web path needs ${server ? 'client' : 'server'}_no_context_takeover: DecompressionStream cannot keep a window between messages`,
      );
    }
    this.role = role;
    this.params = params;
    this.#threshold = options.threshold ?? DEFAULT_THRESHOLD;
    const limiter = options.limiter ?? sharedLimiter();
    this.#out = new OrderedJobs(limiter);
    this.#in = new OrderedJobs(limiter);
    const ownReset = server ? params.serverNoContextTakeover : params.clientNoContextTakeover;
    const ownBits = server ? params.serverMaxWindowBits : params.clientMaxWindowBits;
    this.#maxCompressed = !ownReset ? -1 : ownBits >= MAX_WINDOW_BITS ? Infinity : 2 ** ownBits;
  }

  /** RFC 7692 §6.1: compresses a whole message and sets RSV1; small ones go out as they are. */
  encode(message: ExtensionMessage): MaybePromise<ExtensionMessage> {
    const length = message.payload.length;
    if (length < this.#threshold || length > this.#maxCompressed) return message;
    return this.#out
      .run(() => deflateMessage(message.payload))
      .then((payload) => compressed(message, payload));
  }

  /**
   * RFC 7692 §6.2: inflates a message that has RSV1, bounded by `maxMessageSize` (1009 beyond
   * it, 1007 for data that is not valid DEFLATE). One message at a time per connection, so a
   * flood of small bombs cannot hold many limits' worth of output at once.
   */
  decode(
    message: ExtensionMessage,
    limits: { maxMessageSize: number },
  ): MaybePromise<Uint8Array | ConnectionError> {
    return inflateInOrder(this.#in, this.#inflater, message, limits);
  }
}

/** Throws TypeError / RangeError (caller misuse) for options that are not valid. */
export function checkWebDeflateOptions(options: WebDeflateOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('permessage-deflate options must be an object');
  }
  checkQueueOptions(options.threshold, options.limiter);
}

/** What the server sends and runs after accepting an offer. */
export interface WebServerDeflate {
  /** The element for the 101 response's `Sec-WebSocket-Extensions` (pass to `acceptResponse`). */
  response: ExtensionOffer;
  /** The same element formatted, e.g. `permessage-deflate; server_no_context_takeover; client_no_context_takeover`. */
  header: string;
  /** For `ProtocolOptions.extensions`. */
  extension: WebPerMessageDeflate;
}

/**
 * The server side: accepts the first valid `permessage-deflate` offer and answers with both
 * `server_no_context_takeover` and `client_no_context_takeover` (§7.1.1.1, §7.1.1.2), echoing the
 * offer's window sizes (§7.1.2.1: the same value is an acceptance; see `WebPerMessageDeflate`
 * for how a small server window is honoured). `null`: nothing acceptable was offered, or this
 * runtime lacks `CompressionStream('deflate-raw')`. Never throws on what the client sent.
 */
export function negotiateWebServer(
  offers: readonly ExtensionOffer[],
  options: WebDeflateOptions = {},
): WebServerDeflate | null {
  checkWebDeflateOptions(options);
  if (!webDeflateSupported()) return null;
  const result = acceptOffer(offers, NO_CONTEXT_TAKEOVER);
  if (!result.ok) return null;
  return {
    response: result.response,
    header: formatExtensions([result.response]),
    extension: new WebPerMessageDeflate('server', result.params, options),
  };
}

/**
 * The client's offer: `permessage-deflate; server_no_context_takeover;
 * client_no_context_takeover; client_max_window_bits` (any client window cap can be honoured,
 * see `WebPerMessageDeflate`), or `null` when this runtime lacks `CompressionStream('deflate-raw')`.
 */
export function webClientOffer(): ExtensionOffer | null {
  return webDeflateSupported() ? buildOffer(NO_CONTEXT_TAKEOVER) : null;
}

/**
 * The client side after the 101, for the offer `webClientOffer` made: `accepted` is the server's
 * `Sec-WebSocket-Extensions` elements. A server that does not confirm `server_no_context_takeover`
 * would need a window we cannot keep: that is a failure, and the client "MUST _Fail the WebSocket
 * Connection_" (§7.1). One that leaves out `client_no_context_takeover` is accepted, and we then
 * send uncompressed. `extension` is null when the server declined.
 */
export function negotiateWebClient(
  accepted: readonly ExtensionOffer[],
  options: WebDeflateOptions = {},
): { ok: true; extension: WebPerMessageDeflate | null } | { ok: false; reason: string } {
  checkWebDeflateOptions(options);
  // Our offer had client_no_context_takeover too; leaving it out here keeps the server's own
  // answer for it in `params`.
  const result = checkResponse(accepted, { serverNoContextTakeover: true });
  if (!result.ok) return result;
  if (result.params === null) return { ok: true, extension: null };
  return { ok: true, extension: new WebPerMessageDeflate('client', result.params, options) };
}
