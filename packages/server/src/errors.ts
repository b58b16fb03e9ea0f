import type { RejectionKind } from '@ws/handshake';

/** Why a handshake did not become a connection, beyond what `validateRequest` checks. */
export type HandshakeErrorKind =
  | RejectionKind
  /** The request head has more header lines or bytes than allowed (431). */
  | 'headers-too-large'
  /** The request head is malformed HTTP (400). */
  | 'malformed-request'
  /** No server handles this path (404). */
  | 'not-found'
  /** `verify` or the origin check refused the request (403 or the status it chose). */
  | 'forbidden'
  /** `maxConnections` reached (503). */
  | 'too-many-connections'
  /** The server is closing (503). */
  | 'server-closing'
  /** The handshake did not complete within `handshakeTimeout` (408). */
  | 'timeout'
  /** `verify` or `protocols` threw: our fault (500). */
  | 'internal-error'
  /** The socket closed before an answer was sent (status 0: nothing was sent). */
  | 'socket-closed';

/**
 * A refused or aborted opening handshake. `status` is the HTTP status already sent on the
 * socket (which is then closed), or 0 when the socket closed before anything could be sent.
 */
export class HandshakeError extends Error {
  override readonly name = 'HandshakeError';

  constructor(
    readonly kind: HandshakeErrorKind,
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
