/// <reference types="node" />
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { type AddressInfo, createServer, type Server as NetServer, type Socket } from 'node:net';
import { attach, detach, type UpgradeEmitter, type UpgradeTarget } from './attach.js';
import { encodeMessage, type SlowClientPolicy, writeEncoded } from './broadcast.js';
import { DeadlineQueue } from './deadlines.js';
import { HandshakeError } from './errors.js';
import { fail, type HandshakeHooks, handshake, type TimeoutSlot } from './handshake.js';
import { HeadWait, type HeadWaitOwner } from './head-wait.js';
import {
  checkInteger,
  resolveUpgradeOptions,
  type UpgradeConfig,
  type UpgradeOptions,
} from './options.js';
import { pathOf, type RawUpgradeRequest, type UpgradeRequest } from './request.js';
import { type ConnectionOwner, ServerConnection } from './server-connection.js';

export interface WebSocketServerOptions extends UpgradeOptions {
  /** Standalone: listen on this TCP port (0: any free port). */
  port?: number | undefined;
  /** Standalone: the address to listen on. Default: Node's (all interfaces). */
  host?: string | undefined;
  backlog?: number | undefined;
  /** Attached: take upgrades from this `http.Server` / `https.Server`. */
  server?: UpgradeEmitter | undefined;
  /** Neither: the application calls `handleUpgrade(req, socket, head)` itself. */
  noServer?: boolean | undefined;
  /** Only requests for this path (the URL before `?`); others are left to other handlers. */
  path?: string | undefined;
  /** Further filter: false leaves the request to other servers on the same HTTP server. */
  shouldHandle?: ((req: UpgradeRequest) => boolean) | undefined;
  /** Most connections plus handshakes in progress; more is answered with 503. Default: no limit. */
  maxConnections?: number | undefined;
  /** Ping every client this often (ms) and terminate those that did not pong since the last ping. Default 0: off. */
  heartbeatInterval?: number | undefined;
  /** `broadcast` skips (or terminates, see slowClients) a client with more than this many bytes queued. Default 1 MiB. */
  maxBufferedAmount?: number | undefined;
  /** What `broadcast` does with a client over maxBufferedAmount. Default 'skip'. */
  slowClients?: SlowClientPolicy | undefined;
}

export interface WebSocketServerEvents {
  connection: [connection: ServerConnection, req: UpgradeRequest];
  /** A handshake that did not become a connection (the status was sent; for logging). */
  handshakeError: [error: HandshakeError, req: UpgradeRequest];
  /** The standalone listener failed, or a verify/protocols hook threw (then only with a listener). */
  error: [error: Error];
  listening: [];
  close: [];
}

export type WebSocketServerState = 'open' | 'closing' | 'closed';

const DEFAULT_MAX_BUFFERED_AMOUNT = 1024 * 1024;

/**
 * A WebSocket server: standalone (`port`), attached to an `http(s).Server` (`server`, with an
 * optional `path`), or driven by a framework (`noServer` + `handleUpgrade`). Keeps the open
 * connections in `clients`, broadcasts, pings (heartbeat) and shuts down gracefully.
 */
export class WebSocketServer extends EventEmitter<WebSocketServerEvents> {
  /** Open connections (added after the 101, removed when closed). */
  readonly clients: ReadonlySet<ServerConnection>;
  readonly path: string | undefined;
  readonly maxConnections: number;
  readonly maxHeaders: number;
  readonly maxHeaderBytes: number;
  readonly handshakeTimeout: number;
  readonly maxBufferedAmount: number;
  readonly slowClients: SlowClientPolicy;

  private stateValue: WebSocketServerState = 'open';
  private readonly config: UpgradeConfig;
  private readonly connections = new Set<ServerConnection>();
  /** Standalone sockets from accept until their handshake settles, oldest first. */
  private readonly headWaits: DeadlineQueue<HeadWait>;
  private readonly hooks: HandshakeHooks;
  private readonly filter: ((req: UpgradeRequest) => boolean) | undefined;
  private readonly netServer: NetServer | null = null;
  private readonly attachedTo: UpgradeEmitter | null = null;
  /** Standalone sockets past their head, in the handshake (also in `pending` while verifying). */
  private rawHandshakes = 0;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  /** What connections, standalone sockets and the shared 'upgrade' listener call back into. */
  private readonly owner: ConnectionOwner;
  private readonly headOwner: HeadWaitOwner;
  private readonly target: UpgradeTarget;
  private closing: Promise<void> | null = null;

  constructor(options: WebSocketServerOptions) {
    super();
    if (options === null || typeof options !== 'object') {
      throw new TypeError('WebSocketServer: expected an options object');
    }
    const modes =
      (options.port !== undefined ? 1 : 0) +
      (options.server !== undefined ? 1 : 0) +
      (options.noServer === true ? 1 : 0);
    if (modes !== 1) {
      throw new TypeError(
        'WebSocketServer: expected exactly one of port, server or noServer: true',
      );
    }
    this.config = resolveUpgradeOptions(options);
    this.path = options.path;
    if (this.path !== undefined && (typeof this.path !== 'string' || !this.path.startsWith('/'))) {
      throw new TypeError(
        `WebSocketServer: expected path to start with "/", got ${String(this.path)}`,
      );
    }
    if (options.shouldHandle !== undefined && typeof options.shouldHandle !== 'function') {
      throw new TypeError('WebSocketServer: expected shouldHandle to be a function');
    }
    this.filter = options.shouldHandle;
    this.maxConnections =
      options.maxConnections === undefined
        ? Number.POSITIVE_INFINITY
        : checkInteger('maxConnections', options.maxConnections, 0);
    this.maxHeaders = this.config.maxHeaders;
    this.maxHeaderBytes = this.config.maxHeaderBytes;
    this.handshakeTimeout = this.config.handshakeTimeout;
    this.headWaits = new DeadlineQueue(this.handshakeTimeout);
    this.maxBufferedAmount = checkInteger(
      'maxBufferedAmount',
      options.maxBufferedAmount ?? DEFAULT_MAX_BUFFERED_AMOUNT,
      0,
    );
    const slowClients = options.slowClients ?? 'skip';
    if (slowClients !== 'skip' && slowClients !== 'terminate') {
      throw new TypeError(
        `slowClients: expected 'skip' or 'terminate', got ${String(slowClients)}`,
      );
    }
    this.slowClients = slowClients;
    const heartbeatInterval = checkInteger('heartbeatInterval', options.heartbeatInterval ?? 0, 0);
    this.clients = this.connections;
    this.owner = { connectionClosed: (connection) => this.connections.delete(connection) };
    this.headOwner = {
      // One limits object for every head this server reads.
      headLimits: { maxHeaders: this.maxHeaders, maxHeaderBytes: this.maxHeaderBytes },
      handshakeTimeout: this.handshakeTimeout,
      headReceived: (wait, req, rest) => this.headReceived(wait, req, rest),
      headWaitEnded: (wait) => this.headWaitEnded(wait),
    };
    this.target = { offer: (req, socket, head) => this.offer(req, socket, head) };
    this.hooks = {
      owner: this.owner,
      connectionOpened: (connection, req) => this.connectionOpened(connection, req),
      pending: new Set(),
    };

    if (options.port !== undefined) {
      const port = checkInteger('port', options.port, 0);
      const server = createServer({ noDelay: true }, (socket) => this.socketAccepted(socket));
      this.netServer = server;
      let listening = false;
      server.on('error', (error) => {
        // A failed listen is reported like net.Server does (thrown without a listener); later
        // errors (accept failing with EMFILE under a flood …) must not crash the process.
        if (!listening || this.listenerCount('error') > 0) this.emit('error', error);
      });
      server.listen(port, options.host, options.backlog, () => {
        listening = true;
        this.emit('listening');
      });
    } else if (options.server !== undefined) {
      const server = options.server;
      if (typeof server.on !== 'function' || typeof server.listenerCount !== 'function') {
        throw new TypeError(
          'WebSocketServer: expected server to be an http.Server or https.Server',
        );
      }
      this.attachedTo = server;
      attach(server, this.target);
      const emitter = server as unknown as { listening?: boolean; once?: EventEmitter['once'] };
      if (emitter.listening !== true && typeof emitter.once === 'function') {
        emitter.once('listening', () => this.emit('listening'));
      }
    }
    if (heartbeatInterval > 0) {
      this.heartbeat = setInterval(() => this.pingAll(), heartbeatInterval);
      // The heartbeat alone must not keep a process alive.
      this.heartbeat.unref();
    }
  }

  get state(): WebSocketServerState {
    return this.stateValue;
  }

  /** The standalone listener's address, or the attached server's; null with noServer. */
  address(): AddressInfo | string | null {
    if (this.netServer !== null) return this.netServer.address();
    const server = this.attachedTo as { address?: () => AddressInfo | string | null } | null;
    return server?.address?.() ?? null;
  }

  /** Whether this server takes `req`: its path matches and `shouldHandle` (if any) agrees. */
  shouldHandle(req: UpgradeRequest): boolean {
    if (this.path !== undefined && pathOf(req.url) !== this.path) return false;
    return this.filter === undefined || this.filter(req) === true;
  }

  /**
   * Runs the handshake for a request the application received (noServer mode, or any
   * framework's 'upgrade' hook). Answers 404 when `shouldHandle(req)` is false and 503 when
   * closing or at maxConnections. Emits 'connection' and resolves with the connection; the
   * promise never counts as an unhandled rejection, so it can be ignored.
   */
  handleUpgrade(req: UpgradeRequest, socket: Socket, head?: Uint8Array): Promise<ServerConnection> {
    let handled: boolean;
    try {
      handled = this.shouldHandle(req);
    } catch (error) {
      return this.failed(req, fail(socket, this.internalError(error)));
    }
    if (!handled) {
      return this.failed(
        req,
        fail(socket, {
          kind: 'not-found',
          status: 404,
          reason: 'No WebSocket endpoint at this path',
        }),
      );
    }
    const result = this.take(req, socket, head, undefined, 0);
    return result instanceof ServerConnection ? Promise.resolve(result) : result;
  }

  /** The shared 'upgrade' listener of an attached server asks here first. */
  private offer(req: IncomingMessage, socket: Socket, head: Buffer): boolean {
    let handled: boolean;
    try {
      handled = this.shouldHandle(req);
    } catch (error) {
      void this.failed(req, fail(socket, this.internalError(error)));
      return true;
    }
    if (handled) void this.take(req, socket, head, undefined, 0);
    return handled;
  }

  /**
   * Sends one message to every open client (or those `filter` accepts), encoding the frame once
   * and writing the same bytes to each socket. A client with more than `maxBufferedAmount`
   * bytes already queued is skipped (or terminated, with `slowClients: 'terminate'`), so a slow
   * reader never makes the server's memory grow. Returns how many clients it was written to.
   */
  broadcast(
    data: string | Uint8Array | ArrayBuffer | ArrayBufferView,
    filter?: (connection: ServerConnection) => boolean,
  ): number {
    if (filter !== undefined && typeof filter !== 'function') {
      throw new TypeError('broadcast: expected filter to be a function');
    }
    if (typeof data !== 'string' && !(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data)) {
      throw new TypeError(
        'broadcast: expected a string, Uint8Array, ArrayBuffer or ArrayBufferView',
      );
    }
    // Encoded on the first recipient: nothing is encoded for an empty room.
    let message: ReturnType<typeof encodeMessage> | null = null;
    let sent = 0;
    for (const connection of this.connections) {
      if (connection.readyState !== 'open') continue;
      if (filter !== undefined && !filter(connection)) continue;
      if (connection.bufferedAmount > this.maxBufferedAmount) {
        if (this.slowClients === 'terminate') connection.terminate();
        continue;
      }
      message ??= encodeMessage(data);
      writeEncoded(connection, message);
      sent++;
    }
    return sent;
  }

  /**
   * Stops accepting, refuses handshakes in progress with 503, sends a Close (default 1001
   * "going away", §7.4.1) to every client and waits for their closing handshakes, each bounded
   * by `closeTimeout` (then the socket is destroyed). Resolves after 'close'. Later calls
   * return the same promise.
   */
  close(code = 1001, reason = ''): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.stopAccepting();
    const waits: Promise<unknown>[] = [];
    for (const connection of this.connections) {
      try {
        waits.push(connection.close(code, reason));
      } catch (error) {
        // An invalid code or reason is the caller's mistake; fall back to a plain 1001.
        if (!(error instanceof RangeError)) throw error;
        waits.push(connection.close(1001));
      }
    }
    this.closing = this.finishClose(waits);
    return this.closing;
  }

  /** Stops accepting and destroys every connection and pending handshake now. Resolves after 'close'. */
  terminate(): Promise<void> {
    if (this.closing !== null && this.stateValue === 'closed') return this.closing;
    this.stopAccepting();
    const waits: Promise<unknown>[] = [];
    for (const connection of this.connections) {
      waits.push(connection.closed);
      connection.terminate();
    }
    for (const wait of [...this.headWaits.values()]) wait.socket.destroy();
    this.closing ??= this.finishClose(waits);
    return this.closing;
  }

  private headReceived(wait: HeadWait, req: RawUpgradeRequest, rest: Uint8Array | undefined): void {
    let handled: boolean;
    try {
      handled = this.shouldHandle(req);
    } catch (error) {
      // Called from the socket's 'data' event: a throwing hook becomes a 500, not a crash.
      wait.done();
      void this.failed(req, fail(req.socket, this.internalError(error)));
      return;
    }
    if (!handled) {
      wait.finish(404, 'No WebSocket endpoint at this path');
      return;
    }
    wait.handshaking = true;
    this.rawHandshakes++;
    const result = this.take(req, req.socket, rest, wait.slot, 1);
    if (result instanceof ServerConnection) wait.done();
    else {
      const done = (): void => wait.done();
      result.then(done, done);
    }
  }

  private headWaitEnded(wait: HeadWait): void {
    if (this.headWaits.delete(wait) && wait.handshaking) this.rawHandshakes--;
  }

  private socketAccepted(socket: Socket): void {
    if (this.stateValue !== 'open') {
      socket.destroy();
      return;
    }
    const wait = new HeadWait(socket, this.headOwner);
    if (this.inProgress() >= this.maxConnections) {
      wait.finish(503, 'Too many connections');
      return;
    }
    this.headWaits.add(wait);
  }

  /** Connections plus handshakes in progress. */
  private inProgress(): number {
    return (
      this.connections.size + this.headWaits.size + this.hooks.pending!.size - this.rawHandshakes
    );
  }

  /** `self`: 1 when the request's own socket is already counted (standalone head wait). */
  private take(
    req: UpgradeRequest,
    socket: Socket,
    head: Uint8Array | undefined,
    slot: TimeoutSlot | undefined,
    self: number,
  ): ServerConnection | Promise<ServerConnection> {
    if (this.stateValue !== 'open') {
      return this.failed(
        req,
        fail(socket, {
          kind: 'server-closing',
          status: 503,
          reason: 'The server is shutting down',
        }),
      );
    }
    if (this.inProgress() - self >= this.maxConnections) {
      return this.failed(
        req,
        fail(socket, { kind: 'too-many-connections', status: 503, reason: 'Too many connections' }),
      );
    }
    const result = handshake(req, socket, head, this.config, this.hooks, slot);
    return result instanceof ServerConnection ? result : this.failed(req, result);
  }

  /** Reports a failed handshake ('handshakeError', and 'error' for our own faults). */
  private failed(
    req: UpgradeRequest,
    promise: Promise<ServerConnection>,
  ): Promise<ServerConnection> {
    promise.then(undefined, (error: unknown) => {
      if (!(error instanceof HandshakeError)) return;
      if (this.listenerCount('handshakeError') > 0) this.emit('handshakeError', error, req);
      // A hook that threw is a bug to report, but a request must not be able to crash the
      // process through it: 'error' only goes to a listener.
      if (error.kind === 'internal-error' && this.listenerCount('error') > 0) {
        this.emit('error', error);
      }
    });
    return promise;
  }

  private internalError(error: unknown) {
    return {
      kind: 'internal-error' as const,
      status: 500,
      reason: 'Internal Server Error',
      cause: error,
    };
  }

  private connectionOpened(connection: ServerConnection, req: UpgradeRequest): void {
    if (this.stateValue !== 'open') {
      void connection.close(1001);
      return;
    }
    this.connections.add(connection);
    try {
      this.emit('connection', connection, req);
    } catch (error) {
      // A throwing listener is reported like any uncaught exception, not turned into a failed
      // handshake on a socket that already switched protocols.
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  /** One interval for all connections: terminate who did not pong since the last round, ping the rest. */
  private pingAll(): void {
    for (const connection of this.connections) {
      if (connection.readyState !== 'open') continue;
      if (!connection.alive) {
        connection.terminate();
        continue;
      }
      connection.alive = false;
      // §5.5.2: a Ping may be sent any time after the handshake; the peer MUST answer with a
      // Pong (§5.5.3), which sets `alive` again before the next round.
      void connection.ping();
    }
  }

  private stopAccepting(): void {
    if (this.stateValue !== 'open') return;
    this.stateValue = 'closing';
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (this.attachedTo !== null) detach(this.attachedTo, this.target);
    for (const abort of [...this.hooks.pending!]) abort();
    for (const wait of [...this.headWaits.values()]) {
      if (!wait.handshaking) wait.finish(503, 'The server is shutting down');
    }
  }

  private async finishClose(waits: Promise<unknown>[]): Promise<void> {
    const listener = this.netServer;
    const stopped =
      listener === null
        ? Promise.resolve()
        : new Promise<void>((resolve) => listener.close(() => resolve()));
    await Promise.all(waits);
    await stopped;
    this.stateValue = 'closed';
    this.emit('close');
  }
}
