import { buildRequest, generateKey, resolveTarget } from '@ws/handshake';
import { negotiateClient } from '@ws/permessage-deflate';
import type { ConnectionOptions } from '@ws/protocol';
import { SocketTransport } from '@ws/protocol/node';
import { ClientConnection } from './client-connection.js';
import { HandshakeError } from './errors.js';
import { ClientHandshake, type HandshakeOutcome } from './handshake.js';
import { type ConnectOptions, resolveOptions } from './options.js';
import { fillRandom } from './random-pool.js';
import { openSocket, socketErrorKind, socketOptions } from './socket.js';
import { hasControlCharacter } from './url.js';

/** Called once: with the open connection, or with why the handshake failed. */
export type OpenCallback = (
  error: HandshakeError | undefined,
  connection: ClientConnection | undefined,
) => void;

/**
 * The work of `connect()` with a callback instead of a promise, so that `WebSocket` sees the
 * connection open synchronously, before any message read with the response is delivered.
 * Caller misuse throws before anything is sent; everything after that goes to `callback`.
 * Returns the handshake (to abort it) or undefined when it failed before starting.
 */
export function openConnection(
  url: string | URL,
  options: ConnectOptions | undefined,
  callback: OpenCallback,
): ClientHandshake | undefined {
  let parsed: URL;
  if (url instanceof URL) {
    // Already parsed (the WebSocket class hands over its own): read as it is, not parsed again.
    parsed = url;
  } else {
    if (typeof url !== 'string')
      throw new TypeError('connect: expected url to be a string or a URL');
    // No header injection through the URL: a CR or LF is an error, not something to strip.
    if (hasControlCharacter(url)) {
      throw new TypeError(`connect: the URL holds a control character: ${JSON.stringify(url)}`);
    }
    try {
      parsed = new URL(url);
    } catch {
      throw new TypeError(`connect: not a valid URL: ${url}`);
    }
  }
  const resolved = resolveOptions(options);
  // Read now: the connection reports the URL as it was at this call, whatever the caller's URL
  // object becomes later.
  const href = parsed.href;
  // Parsed once (above) and handed on as a URL: resolveTarget and buildRequest read it as it is.
  const target = resolveTarget(parsed);
  const key = generateKey(fillRandom);
  // Throws TypeError for a bad protocol list, a header name that is not a token, or a value with
  // CR, LF or NUL (RFC 7230 §3.2): nothing is sent.
  const request = buildRequest(parsed, {
    key,
    protocols: resolved.protocols,
    origin: options?.origin,
    headers: options?.headers,
    extensions: resolved.extensions,
  });
  const connectionOptions: ConnectionOptions = {
    role: 'client',
    limits: options?.limits,
    closeTimeout: options?.closeTimeout,
    highWaterMark: options?.highWaterMark,
    readHighWaterMark: options?.readHighWaterMark,
    autoPong: options?.autoPong,
    strict: options?.strict,
    maskKeySource: options?.maskKeySource,
  };
  const signal = resolved.signal;
  if (signal?.aborted) {
    queueMicrotask(() =>
      callback(
        new HandshakeError('aborted', 'the opening handshake was aborted before it started', {
          cause: signal.reason,
        }),
        undefined,
      ),
    );
    return undefined;
  }
  const socketSettings = socketOptions(target, options);
  let socket: ReturnType<typeof openSocket>;
  try {
    socket = (options?.createConnection ?? openSocket)(socketSettings);
  } catch (error) {
    const kind = socketErrorKind(error, 'connecting');
    queueMicrotask(() =>
      callback(
        new HandshakeError(
          kind,
          `could not open a socket: ${String((error as Error)?.message ?? error)}`,
          {
            cause: error,
          },
        ),
        undefined,
      ),
    );
    return undefined;
  }
  return new ClientHandshake(
    socket,
    {
      request,
      key,
      protocols: resolved.protocols,
      extensions: resolved.extensions.map((offer) => offer.name),
      headLimits: resolved.headLimits,
      timeout: resolved.handshakeTimeout,
      signal,
      secure: target.secure,
    },
    (error, outcome?: HandshakeOutcome) => {
      if (error !== undefined || outcome === undefined) {
        callback(error, undefined);
        return;
      }
      // RFC 7692 §7.1: an invalid permessage-deflate answer MUST fail the WebSocket connection.
      const deflate = negotiateClient(outcome.extensions, options?.perMessageDeflate);
      if (!deflate.ok) {
        socket.destroy();
        callback(
          new HandshakeError('invalid-extensions', deflate.reason, {
            status: outcome.head.status,
            headers: outcome.head.headers,
          }),
          undefined,
        );
        return;
      }
      let connection: ClientConnection;
      try {
        connection = new ClientConnection(
          new SocketTransport(socket, outcome.rest),
          deflate.extension === null
            ? connectionOptions
            : { ...connectionOptions, extensions: [deflate.extension] },
          {
            url: href,
            subprotocol: outcome.protocol,
            extensions: outcome.extensions,
            response: {
              status: outcome.head.status,
              statusText: outcome.head.statusText,
              headers: outcome.head.headers,
            },
          },
        );
      } catch (cause) {
        socket.destroy();
        callback(
          new HandshakeError('aborted', `could not start the connection: ${String(cause)}`, {
            cause,
          }),
          undefined,
        );
        return;
      }
      callback(undefined, connection);
    },
  );
}

/**
 * Opens a WebSocket connection to a ws:// or wss:// URL (RFC 6455 §4.1) and resolves to the
 * connection once the server's 101 answer is validated. Rejects with a HandshakeError naming what
 * failed: DNS, TCP, TLS, a non-101 status (with status and headers; a 3xx is reported, not
 * followed), a bad Sec-WebSocket-Accept, an unrequested subprotocol or extension, the timeout, an
 * abort. Throws TypeError / RangeError at once for a bad URL, header or option.
 */
export function connect(url: string | URL, options?: ConnectOptions): Promise<ClientConnection> {
  let settle!: OpenCallback;
  const promise = new Promise<ClientConnection>((resolve, reject) => {
    settle = (error, connection) => {
      if (connection !== undefined) resolve(connection);
      else reject(error);
    };
  });
  // Outside the executor, so that misuse throws synchronously instead of rejecting.
  openConnection(url, options, settle);
  return promise;
}
