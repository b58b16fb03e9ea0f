/// <reference types="node" />
import type { Socket } from 'node:net';
import {
  type AcceptedHandshake,
  acceptResponseText,
  type OutgoingHeaders,
  type RequestHead,
  reasonPhrase,
  selectProtocol,
  validateRequest,
} from '@ws/handshake';
import { negotiateServer } from '@ws/permessage-deflate';
import { cancelClose, scheduleClose } from '@ws/protocol';
import { HandshakeError, type HandshakeErrorKind } from './errors.js';
import type { UpgradeConfig, VerifyResult } from './options.js';
import { noop, refuse } from './refuse.js';
import { headerSize, RawUpgradeRequest, type UpgradeRequest } from './request.js';
import { type ConnectionOwner, ServerConnection } from './server-connection.js';

/** What a server hooks into a handshake; `upgrade()` alone passes NO_HOOKS. */
export interface HandshakeHooks {
  /** Receives connections' close; `connectionOpened` runs right after the 101 is written. */
  owner: ConnectionOwner | null;
  connectionOpened(connection: ServerConnection, req: UpgradeRequest): void;
  /** Handshakes waiting for verify/protocols, so a closing server can abort them. */
  pending: Set<() => void> | null;
}

export const NO_HOOKS: HandshakeHooks = {
  owner: null,
  connectionOpened: noop,
  pending: null,
};

/** Lets the caller's handshake deadline (standalone server) reach a handshake in progress. */
export interface TimeoutSlot {
  onTimeout: (() => void) | null;
}

interface Refusal {
  kind: HandshakeErrorKind;
  status: number;
  reason: string;
  headers?: OutgoingHeaders | undefined;
  /** What a verify/protocols hook threw; reported by the server, never sent to the peer. */
  cause?: unknown;
}

/** A promise that rejects for whoever awaits it but never counts as an unhandled rejection. */
export function quietReject<T>(error: unknown): Promise<T> {
  const promise = Promise.reject(error);
  promise.catch(noop);
  return promise;
}

/** Sends the refusal and returns the matching rejected promise. */
export function fail<T>(socket: Socket, refusal: Refusal): Promise<T> {
  refuse(socket, refusal.status, refusal.reason, refusal.headers);
  return quietReject(errorOf(refusal));
}

function errorOf(refusal: Refusal): HandshakeError {
  const options = refusal.cause === undefined ? undefined : { cause: refusal.cause };
  return new HandshakeError(refusal.kind, refusal.status, refusal.reason, options);
}

/** A framework's request without rawHeaders: its header record; undefined for rawHeaders. */
function requestHeaders(req: UpgradeRequest): RequestHead['headers'] | undefined {
  if (Array.isArray(req.rawHeaders)) return undefined;
  if (req.headers !== null && typeof req.headers === 'object') return req.headers;
  throw new TypeError(
    'upgrade: expected a request with rawHeaders or headers (an IncomingMessage)',
  );
}

/** 431 when Node's parser let through more header lines or bytes than allowed. */
function headerLimitRefusal(req: UpgradeRequest, config: UpgradeConfig): Refusal | undefined {
  const { count, bytes } = headerSize(req.rawHeaders);
  // Node keeps at most `server.maxHeadersCount` lines and drops the rest silently: a request at
  // that count may have lost headers (the crash fixed in ws 8.17.1 came from such a request).
  const kept = (req.socket as { server?: { maxHeadersCount?: number | null } }).server
    ?.maxHeadersCount;
  const truncated = typeof kept === 'number' && kept > 0 && count >= kept;
  if (count > config.maxHeaders || truncated) {
    return {
      kind: 'headers-too-large',
      status: 431,
      reason: `More than ${Math.min(config.maxHeaders, truncated ? kept : config.maxHeaders)} header lines`,
    };
  }
  if (bytes > config.maxHeaderBytes) {
    return {
      kind: 'headers-too-large',
      status: 431,
      reason: `Request headers larger than ${config.maxHeaderBytes} bytes`,
    };
  }
  return undefined;
}

/**
 * The opening handshake on a socket whose request head was read (by Node's HTTP server or by
 * the standalone listener): limits, RFC 6455 §4.2.1 checks, verify, subprotocol, then the 101
 * and the connection. Every failure answers its status, closes the socket and rejects with a
 * HandshakeError; the returned promise never counts as an unhandled rejection. Returns the
 * connection itself when it could answer at once (no verify or protocols hook to wait for).
 */
export function handshake(
  req: UpgradeRequest,
  socket: Socket,
  head: Uint8Array | undefined,
  config: UpgradeConfig,
  hooks: HandshakeHooks,
  slot?: TimeoutSlot,
): ServerConnection | Promise<ServerConnection> {
  let headers: RequestHead['headers'] | undefined;
  if (req instanceof RawUpgradeRequest) {
    // A standalone socket: its HeadWait listens for 'error' until the handshake settles.
    headers = req.pairs;
  } else {
    // Nothing on this socket may crash the process: errors end it quietly.
    socket.on('error', noop);
    headers = requestHeaders(req);
    if (headers === undefined) {
      const refusal = headerLimitRefusal(req, config);
      if (refusal !== undefined) return fail(socket, refusal);
      headers = req.rawHeaders;
    }
  }
  const result = validateRequest({
    method: req.method ?? '',
    httpVersion: req.httpVersion,
    url: req.url ?? '/',
    headers,
  });
  if (!result.ok) {
    const { kind, status, reason, headers: extra } = result.rejection;
    return fail(socket, { kind, status, reason, headers: extra });
  }
  const accepted = result.handshake;
  if (
    config.verify === undefined &&
    (config.protocols === undefined || accepted.protocols.length === 0)
  ) {
    // The common case needs no promise machinery: answer now.
    try {
      return accept(req, socket, head, accepted, undefined, config, hooks);
    } catch (error) {
      return fail(socket, internalError(error));
    }
  }
  return waitForDecision(req, socket, head, accepted, config, hooks, slot);
}

function waitForDecision(
  req: UpgradeRequest,
  socket: Socket,
  head: Uint8Array | undefined,
  accepted: AcceptedHandshake,
  config: UpgradeConfig,
  hooks: HandshakeHooks,
  slot: TimeoutSlot | undefined,
): Promise<ServerConnection> {
  // What the client sends while we decide is kept for the connection (reading it also tells
  // us when the client leaves); past EARLY_DATA_LIMIT bytes reading pauses.
  const early = new EarlyData(socket, head);
  const ownSlot: TimeoutSlot | undefined = slot === undefined ? { onTimeout: null } : undefined;
  const ownTimer =
    ownSlot === undefined ? undefined : scheduleClose(config.handshakeTimeout, expireSlot(ownSlot));
  let done = false;
  let resolve!: (connection: ServerConnection) => void;
  let reject!: (error: HandshakeError) => void;
  const promise = new Promise<ServerConnection>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(noop);

  const settle = (): boolean => {
    if (done) return false;
    done = true;
    cancelClose(ownTimer);
    (slot ?? ownSlot!).onTimeout = null;
    socket.off('close', closed);
    socket.off('end', closed);
    early.stop();
    hooks.pending?.delete(abort);
    return true;
  };
  const refuseWith = (refusal: Refusal): void => {
    if (!settle()) return;
    refuse(socket, refusal.status, refusal.reason, refusal.headers);
    reject(errorOf(refusal));
  };
  const timeout = (): void =>
    refuseWith({
      kind: 'timeout',
      status: 408,
      reason: `The handshake did not complete within ${config.handshakeTimeout} ms`,
    });
  const abort = (): void =>
    refuseWith({ kind: 'server-closing', status: 503, reason: 'The server is shutting down' });
  const closed = (): void => {
    if (!settle()) return;
    socket.destroy();
    reject(new HandshakeError('socket-closed', 0, 'The socket closed during the handshake'));
  };

  (slot ?? ownSlot!).onTimeout = timeout;
  socket.once('close', closed);
  socket.once('end', closed);
  hooks.pending?.add(abort);
  decide(req, accepted, config).then(
    (decision) => {
      if (done) return;
      if (typeof decision !== 'string' && decision !== undefined) {
        refuseWith(decision);
        return;
      }
      if (socket.destroyed) {
        closed();
        return;
      }
      settle();
      try {
        resolve(accept(req, socket, early.bytes(), accepted, decision, config, hooks));
      } catch (error) {
        const refusal = internalError(error);
        refuse(socket, refusal.status, refusal.reason);
        reject(errorOf(refusal));
      }
    },
    (error: unknown) => refuseWith(internalError(error)),
  );
  return promise;
}

/**
 * The timer callback, made outside waitForDecision so that it keeps only `slot` alive (a
 * cancelled entry stays queued until its due time) and not the request and socket.
 */
function expireSlot(slot: TimeoutSlot): () => void {
  return () => slot.onTimeout?.();
}

/** Bytes a client sends between its request and our 101: at most this many are read. */
const EARLY_DATA_LIMIT = 64 * 1024;

/** Reads and keeps what arrives on a socket while its handshake waits for a decision. */
class EarlyData {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private readonly onData = (chunk: Buffer): void => {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size >= EARLY_DATA_LIMIT) this.socket.pause();
  };

  constructor(
    private readonly socket: Socket,
    head: Uint8Array | undefined,
  ) {
    if (head !== undefined && head.length > 0) {
      this.chunks.push(head);
      this.size = head.length;
    }
    socket.on('data', this.onData);
    socket.resume();
  }

  stop(): void {
    this.socket.off('data', this.onData);
    this.socket.pause();
  }

  /** Everything kept, as one buffer (the connection's first bytes). */
  bytes(): Uint8Array | undefined {
    const chunks = this.chunks;
    if (chunks.length <= 1) return chunks[0];
    const all = new Uint8Array(this.size);
    let at = 0;
    for (const chunk of chunks) {
      all.set(chunk, at);
      at += chunk.length;
    }
    return all;
  }
}

/** verify, then the subprotocol: the chosen protocol (or undefined), or a refusal. */
async function decide(
  req: UpgradeRequest,
  accepted: AcceptedHandshake,
  config: UpgradeConfig,
): Promise<string | undefined | Refusal> {
  if (config.verify !== undefined) {
    const refusal = verdictRefusal(await config.verify(req, accepted));
    if (refusal !== undefined) return refusal;
  }
  if (config.protocols === undefined || accepted.protocols.length === 0) return undefined;
  const chosen = await config.protocols(accepted.protocols, req);
  // RFC 6455 §4.2.2: the answer MUST be one of the values the client offered (else TypeError).
  return selectProtocol(accepted.protocols, chosen ?? undefined);
}

function verdictRefusal(verdict: VerifyResult): Refusal | undefined {
  if (verdict === true) return undefined;
  if (verdict === false) return { kind: 'forbidden', status: 403, reason: 'Forbidden' };
  const { status, reason, headers } =
    typeof verdict === 'number'
      ? { status: verdict, reason: undefined, headers: undefined }
      : verdict;
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new RangeError(
      `verify: expected true, false or a status from 400 to 599, got ${String(status)}`,
    );
  }
  return { kind: 'forbidden', status, reason: reason ?? reasonPhrase(status), headers };
}

function internalError(error: unknown): Refusal {
  return { kind: 'internal-error', status: 500, reason: 'Internal Server Error', cause: error };
}

/** RFC 6455 §4.2.2 item 5: the 101 response, then the connection over the same socket. */
function accept(
  req: UpgradeRequest,
  socket: Socket,
  head: Uint8Array | undefined,
  accepted: AcceptedHandshake,
  protocol: string | undefined,
  config: UpgradeConfig,
  hooks: HandshakeHooks,
): ServerConnection {
  // RFC 7692 §5: accept the first permessage-deflate offer we can honour, or none.
  const deflate =
    config.perMessageDeflate === null
      ? null
      : negotiateServer(accepted.extensions, config.perMessageDeflate);
  // As a string: Node copies it natively, without a Uint8Array made and wrapped in a Buffer.
  const response = acceptResponseText({
    key: accepted.key,
    protocol,
    extensions: deflate === null ? undefined : [deflate.response],
    headers: config.headers,
  });
  socket.write(response, 'latin1');
  // The connection's transport listens from here on (this removes ours, or the HeadWait's).
  socket.off('error', noop);
  const connection = new ServerConnection(
    socket,
    // An empty `head` is still a view of the whole read buffer it came from: not kept.
    head !== undefined && head.length > 0 ? head : undefined,
    deflate === null
      ? config.connection
      : { ...config.connection, extensions: [deflate.extension] },
    protocol ?? '',
    hooks.owner,
  );
  socket.resume();
  hooks.connectionOpened(connection, req);
  return connection;
}
