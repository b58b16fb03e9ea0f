import type { HandshakeFailure } from '@ws/handshake';

/**
 * Every way an opening handshake can fail on the client side, with what the caller is told.
 * The kinds from `@ws/handshake`'s `validateResponse` (a bad 101) are kept as they are.
 */
export type HandshakeErrorKind =
  /** The host name could not be resolved. */
  | 'dns'
  /** The TCP connection could not be made or broke (ECONNREFUSED, ECONNRESET …). */
  | 'tcp'
  /** The TLS handshake failed (certificate, protocol version, SNI …). */
  | 'tls'
  /** `handshakeTimeout` ms passed before a complete, valid response. */
  | 'timeout'
  /** The caller's AbortSignal fired (or `WebSocket.close()` was called while connecting). */
  | 'aborted'
  /** The server closed the connection before a complete response head. */
  | 'closed'
  /** The response head is not HTTP/1.1 (garbage, bare LF, bad status line …). */
  | 'invalid-response'
  /** The response head is larger than `maxHeaderBytes` or has more than `maxHeaders` lines. */
  | 'headers-too-large'
  | HandshakeFailure['kind'];

/**
 * `connect()` rejects with this. `kind` is stable (switch on it); `message` is for people.
 * A response that was read (`status` is set) also carries its headers, as sent.
 */
export class HandshakeError extends Error {
  override readonly name = 'HandshakeError';
  /** The HTTP status of the response, when one was read. */
  readonly status: number | undefined;
  /** The response's header lines, in order, when a response was read. */
  readonly headers: readonly (readonly [string, string])[] | undefined;
  /** The `Location` of a 3xx answer (not followed). */
  readonly location: string | undefined;

  constructor(
    readonly kind: HandshakeErrorKind,
    message: string,
    details: {
      status?: number | undefined;
      headers?: readonly (readonly [string, string])[] | undefined;
      location?: string | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.status = details.status;
    this.headers = details.headers;
    this.location = details.location;
  }
}
