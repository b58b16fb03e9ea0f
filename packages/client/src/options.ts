import type { Socket } from 'node:net';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import type { MaskKeySource } from '@ws/frame';
import type { ExtensionOffer, HeadLimits, OutgoingHeaders } from '@ws/handshake';
import { clientOffer, type DeflateOptions } from '@ws/permessage-deflate';
import { type Limits, resolveLimits } from '@ws/protocol';

/** Where `createConnection` is asked to connect, with the TLS settings for wss://. */
export interface SocketOptions {
  /** The host name or address from the URL (IPv6 without brackets). */
  host: string;
  port: number;
  /** True for wss://: the socket must be a TLS socket. */
  secure: boolean;
  /** wss:// only: the TLS options `tls.connect` would be given (servername, ca, rejectUnauthorized …). */
  tls: TlsConnectionOptions | undefined;
}

/** Limits on what the server can make the client hold: the response head, then messages. */
export interface ClientLimits extends Limits, HeadLimits {}

/** Options of `connect()`; every one is optional. */
export interface ConnectOptions {
  /** Subprotocols to offer (`Sec-WebSocket-Protocol`), most preferred first. */
  protocols?: string | readonly string[] | undefined;
  /** More request headers (Cookie, User-Agent, Authorization …); CR, LF and NUL are refused. */
  headers?: OutgoingHeaders | undefined;
  /** The `Origin` header. Default: none (a browser would send its page's origin). */
  origin?: string | undefined;
  /** Milliseconds for the whole opening handshake (connect, TLS, response). Default 10 000; Infinity for none. */
  handshakeTimeout?: number | undefined;
  /** Aborts the opening handshake; has no effect once `connect()` has resolved. */
  signal?: AbortSignal | undefined;
  /**
   * Response head (maxHeaders 100, maxHeaderBytes 16 KiB) and message limits (maxMessageSize
   * 64 MiB, maxFrameSize = maxMessageSize, maxFragments 8192, maxBufferedBytes = maxMessageSize + 1 MiB).
   */
  limits?: Partial<ClientLimits> | undefined;
  /** Milliseconds the closing handshake may take before the socket is destroyed. Default 5000. */
  closeTimeout?: number | undefined;
  /** Outbound bytes queued before `drain` matters. Default 1 MiB. */
  highWaterMark?: number | undefined;
  /** Received bytes waiting for `receive()` before reading pauses. Default 1 MiB. */
  readHighWaterMark?: number | undefined;
  /** Answer pings automatically. Default true. */
  autoPong?: boolean | undefined;
  /** Fail the connection on a masked frame from the server (§5.1). Default true. */
  strict?: boolean | undefined;
  /** Masking keys (§5.3). Default: @ws/frame's pooled `crypto.getRandomValues` source. */
  maskKeySource?: MaskKeySource | undefined;
  /** wss://: the TLS server name (SNI) and name checked in the certificate. Default: the URL's host name (none for an IP address). */
  servername?: string | undefined;
  /** wss://: trusted CA certificates, replacing Node's bundled list. */
  ca?: TlsConnectionOptions['ca'] | undefined;
  /** wss://: refuse a certificate that does not verify. Default true. */
  rejectUnauthorized?: boolean | undefined;
  /** wss://: any other `tls.connect` option (cert, key, minVersion, checkServerIdentity …). */
  tls?: TlsConnectionOptions | undefined;
  /**
   * Supplies the socket instead of `net.connect` / `tls.connect`: return a `net.Socket` (a
   * `tls.TLSSocket` for wss://), connected or connecting. Its errors are reported as usual.
   */
  createConnection?: ((options: SocketOptions) => Socket) | undefined;
  /**
   * permessage-deflate (RFC 7692): offered by default as `permessage-deflate;
   * client_max_window_bits`; `false` offers nothing; an object sets the offer and the compressor
   * (see `@ws/permessage-deflate`: threshold 1024 bytes, zlib level 6, …).
   */
  perMessageDeflate?: boolean | DeflateOptions | undefined;
}

export const DEFAULT_HANDSHAKE_TIMEOUT = 10_000;

/** setTimeout fires at once past this, so longer timeouts are refused rather than misread. */
const MAX_TIMER = 2 ** 31 - 1;

const OPTION_NAMES = new Set([
  'protocols',
  'headers',
  'origin',
  'handshakeTimeout',
  'signal',
  'limits',
  'closeTimeout',
  'highWaterMark',
  'readHighWaterMark',
  'autoPong',
  'strict',
  'maskKeySource',
  'servername',
  'ca',
  'rejectUnauthorized',
  'tls',
  'createConnection',
  'perMessageDeflate',
]);

/** Options checked once, with defaults filled in. */
export interface ResolvedOptions {
  protocols: string[];
  handshakeTimeout: number;
  headLimits: HeadLimits;
  signal: AbortSignal | undefined;
  /** The extension offers for the request (permessage-deflate unless disabled). */
  extensions: ExtensionOffer[];
}

const DEFAULT_EXTENSIONS: readonly ExtensionOffer[] = [clientOffer(undefined)!];

/** Checks the caller's options (TypeError / RangeError saying what was expected). */
export function resolveOptions(options: ConnectOptions | undefined): ResolvedOptions {
  if (options === undefined) {
    return {
      protocols: [],
      handshakeTimeout: DEFAULT_HANDSHAKE_TIMEOUT,
      headLimits: {},
      signal: undefined,
      extensions: [...DEFAULT_EXTENSIONS],
    };
  }
  if (options === null || typeof options !== 'object') {
    throw new TypeError('connect: expected options to be an object');
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.has(name))
      throw new TypeError(`connect: unknown option ${JSON.stringify(name)}`);
  }
  const { protocols, handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT, signal, limits } = options;
  if (
    typeof handshakeTimeout !== 'number' ||
    !(handshakeTimeout > 0) ||
    (handshakeTimeout > MAX_TIMER && handshakeTimeout !== Number.POSITIVE_INFINITY)
  ) {
    throw new RangeError(
      `connect: expected handshakeTimeout to be a number of ms > 0 and <= ${MAX_TIMER}, or Infinity, got ${String(handshakeTimeout)}`,
    );
  }
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new TypeError('connect: expected signal to be an AbortSignal');
  }
  if (limits !== undefined && (limits === null || typeof limits !== 'object')) {
    throw new TypeError('connect: expected limits to be an object');
  }
  if (limits !== undefined) resolveLimits(limits);
  for (const name of ['closeTimeout', 'highWaterMark', 'readHighWaterMark'] as const) {
    const value = options[name];
    if (value !== undefined && (typeof value !== 'number' || !(value >= 0))) {
      throw new RangeError(`connect: expected ${name} to be a number >= 0, got ${String(value)}`);
    }
  }
  if (options.createConnection !== undefined && typeof options.createConnection !== 'function') {
    throw new TypeError(
      'connect: expected createConnection to be a function returning a net.Socket',
    );
  }
  const offer = deflateOffer(options.perMessageDeflate);
  return {
    protocols: protocolList(protocols),
    handshakeTimeout,
    headLimits: { maxHeaders: limits?.maxHeaders, maxHeaderBytes: limits?.maxHeaderBytes },
    signal,
    extensions: offer === null ? [] : [offer],
  };
}

function deflateOffer(value: ConnectOptions['perMessageDeflate']): ExtensionOffer | null {
  try {
    return clientOffer(value);
  } catch (error) {
    if (error instanceof TypeError || error instanceof RangeError) {
      const Constructor = error instanceof TypeError ? TypeError : RangeError;
      throw new Constructor(`connect: perMessageDeflate: ${error.message}`);
    }
    throw error;
  }
}

function protocolList(protocols: ConnectOptions['protocols']): string[] {
  if (protocols === undefined) return [];
  if (typeof protocols === 'string') return [protocols];
  if (!Array.isArray(protocols)) {
    throw new TypeError('connect: expected protocols to be a string or an array of strings');
  }
  return [...protocols];
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AbortSignal).aborted === 'boolean' &&
    typeof (value as AbortSignal).addEventListener === 'function'
  );
}
