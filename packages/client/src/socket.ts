import { isIP, connect as netConnect, type Socket } from 'node:net';
import { type ConnectionOptions as TlsConnectionOptions, connect as tlsConnect } from 'node:tls';
import type { WebSocketTarget } from '@ws/handshake';
import type { HandshakeErrorKind } from './errors.js';
import type { ConnectOptions, SocketOptions } from './options.js';

/** The socket options for `target`: TLS settings only for wss://, SNI from the host name. */
export function socketOptions(
  target: WebSocketTarget,
  options: ConnectOptions | undefined,
): SocketOptions {
  let tls: TlsConnectionOptions | undefined;
  if (target.secure) {
    tls = { ...options?.tls };
    // RFC 6066 §3: "Literal IPv4 and IPv6 addresses are not permitted in HostName".
    const servername =
      options?.servername ??
      tls.servername ??
      (isIP(target.hostname) ? undefined : target.hostname);
    if (servername !== undefined) tls.servername = servername;
    if (options?.ca !== undefined) tls.ca = options.ca;
    tls.rejectUnauthorized = options?.rejectUnauthorized ?? tls.rejectUnauthorized ?? true;
  }
  return { host: target.hostname, port: target.port, secure: target.secure, tls };
}

/**
 * A new TCP or TLS socket to the target; `net.connect` queues writes until it is connected.
 * TCP_NODELAY comes with the socket (Node sets it as the connection completes, before the request
 * is written) instead of from the connection's start, where it was a setsockopt(2) between reading
 * the 101 and writing the first frame: measured here, client CPU per connect + close 337 µs
 * against 359 µs one at a time (15 interleaved rounds, with the URL parsed once).
 *
 * wss:// sockets get it after the handshake (from @ws/protocol/node), not here: Node 20's
 * `tls.connect` ignores `noDelay` (it builds its TLSSocket from a fixed list of options, and
 * net.Socket reads `noDelay` only in its constructor; strace shows no setsockopt at all).
 * The workarounds cost a system call more, not one fewer (strace, Node 20.20.2): `setNoDelay(true)`
 * right after `tls.connect` makes two setsockopt calls before the ClientHello (libuv applies it
 * as the fd is created, then again on connect), and `tls.connect({ socket: net.connect({ noDelay:
 * true }) })` makes one before the ClientHello and one more when the TLSSocket's setNoDelay runs.
 */
export function openSocket(options: SocketOptions): Socket {
  if (options.secure) return tlsConnect({ ...options.tls, host: options.host, port: options.port });
  return netConnect({ host: options.host, port: options.port, noDelay: true });
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const TLS_CODE =
  /^(ERR_TLS_|ERR_SSL_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/** How far a socket got: TCP connect, then (wss://) the TLS handshake, then HTTP. */
export type SocketPhase = 'connecting' | 'tls' | 'http';

/** Which layer a socket error came from, by its code and by how far the socket got. */
export function socketErrorKind(
  error: unknown,
  phase: SocketPhase,
): Extract<HandshakeErrorKind, 'dns' | 'tcp' | 'tls'> {
  if (phase === 'tls') return 'tls';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (DNS_CODES.has(code)) return 'dns';
    if (TLS_CODE.test(code)) return 'tls';
  }
  // OpenSSL errors carry the library that raised them ("SSL routines").
  if (typeof (error as { library?: unknown } | null)?.library === 'string') return 'tls';
  return 'tcp';
}
