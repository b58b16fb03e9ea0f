/**
 * The stack under test: `@ws/server` and `@ws/client`, loaded from their dist at run time so
 * that the suite keeps compiling and running (reporting them unavailable) while they are built.
 */
import { createServer, type IncomingMessage, type RequestListener } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ClientOutcome } from '../cases/types.js';
import {
  DEFLATE_MAX_MESSAGE,
  errorText,
  type RunningServer,
  type ServerSetup,
  SUPPORTED_PROTOCOLS,
  type Target,
} from './types.js';

/** @ws/server options for the permessage-deflate groups (see DEFLATE_MAX_MESSAGE). */
export function deflateOptions(setup: ServerSetup | undefined): Record<string, unknown> {
  return setup?.deflate
    ? { perMessageDeflate: { threshold: 0 }, limits: { maxMessageSize: DEFLATE_MAX_MESSAGE } }
    : {};
}

/** The part of `Connection` (@ws/protocol) the echo agents use. */
export interface OursConnection {
  on(event: 'message', listener: (message: OursMessage) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  on(event: 'pong', listener: (data: Uint8Array) => void): unknown;
  sendText(text: string): Promise<void>;
  sendBinary(data: Uint8Array): Promise<void>;
  ping(data?: Uint8Array | string): Promise<void>;
  close(code?: number, reason?: string): Promise<OursClose>;
  receive(): Promise<OursMessage | (OursClose & { type: 'close' }) | Error>;
  readonly closed: Promise<OursClose>;
  readonly subprotocol?: string | undefined;
  /** @ws/client: the extensions the server accepted. */
  readonly extensions?: readonly { name: string }[];
}

export type OursMessage = { type: 'text'; data: string } | { type: 'binary'; data: Uint8Array };
export interface OursClose {
  code: number;
  reason: string;
  wasClean?: boolean;
}

export interface ServerModule {
  upgrade(
    req: IncomingMessage,
    socket: Socket,
    head: Uint8Array,
    options?: Record<string, unknown>,
  ): Promise<OursConnection>;
}

/** The part of `WebSocketServer` the standalone target uses. */
export interface StandaloneServer {
  on(event: 'connection', listener: (connection: OursConnection) => void): unknown;
  on(event: 'listening' | 'error', listener: (error?: Error) => void): unknown;
  address(): { port: number } | string | null;
  terminate(): Promise<void>;
}

export interface StandaloneModule {
  WebSocketServer: new (options: Record<string, unknown>) => StandaloneServer;
}

export interface ClientModule {
  connect(url: string, options?: Record<string, unknown>): Promise<OursConnection>;
}

// Variables, not literals: the type checker must not require the dist to exist.
const SERVER_MODULE: string = '@ws/server';
const CLIENT_MODULE: string = '@ws/client';

async function load<T>(name: string, member: string): Promise<T | string> {
  try {
    const module = (await import(name)) as Record<string, unknown>;
    if (typeof module[member] !== 'function') return `${name} does not export ${member}()`;
    return module as T;
  } catch (error) {
    return `${name} could not be loaded (${errorText(error).slice(0, 160)})`;
  }
}

export function loadServer(): Promise<ServerModule | string> {
  return load<ServerModule>(SERVER_MODULE, 'upgrade');
}

export function loadStandalone(): Promise<StandaloneModule | string> {
  return load<StandaloneModule>(SERVER_MODULE, 'WebSocketServer');
}

export function loadClient(): Promise<ClientModule | string> {
  return load<ClientModule>(CLIENT_MODULE, 'connect');
}

export function chooseProtocol(offered: readonly string[]): string | undefined {
  return offered.find((protocol) => (SUPPORTED_PROTOCOLS as readonly string[]).includes(protocol));
}

export function echo(connection: OursConnection): void {
  connection.on('error', () => {});
  connection.on('message', (message) => {
    const sent =
      message.type === 'text'
        ? connection.sendText(message.data)
        : connection.sendBinary(message.data);
    sent.catch(() => {});
  });
}

/**
 * An http.Server whose 'upgrade' event goes to `upgrade()` (the seed's serverHandler). Plain
 * requests (no Upgrade/Connection pair, so Node does not raise 'upgrade') get 426 from this
 * wrapper, as `ws`'s standalone server does: that answer is the harness's, not the library's.
 */
export async function startOursServer(
  module: ServerModule,
  onConnection: (connection: OursConnection, req: IncomingMessage) => void,
  options: Record<string, unknown> = {},
  onRequest?: RequestListener,
): Promise<RunningServer> {
  const sockets = new Set<Socket>();
  const server = createServer(
    onRequest ??
      ((_req, res) => {
        res.writeHead(426, { 'Content-Type': 'text/plain', 'Sec-WebSocket-Version': '13' });
        res.end('Upgrade Required');
      }),
  );
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    socket.on('error', () => {});
    module
      .upgrade(req, socket, head, {
        protocols: (offered: readonly string[]) => chooseProtocol(offered),
        ...options,
      })
      .then((connection) => onConnection(connection, req))
      .catch(() => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export const oursTarget: Target = {
  name: 'ours',
  label: '@ws/server + @ws/client',
  async unavailable() {
    const reasons = [await loadServer(), await loadClient()].filter(
      (result): result is string => typeof result === 'string',
    );
    return reasons.length > 0 ? reasons.join('; ') : undefined;
  },
  async startServer(setup) {
    const module = await loadServer();
    if (typeof module === 'string') throw new Error(module);
    return startOursServer(module, echo, deflateOptions(setup));
  },
  async runClient(url, protocols) {
    const module = await loadClient();
    if (typeof module === 'string') throw new Error(module);
    const outcome: Omit<ClientOutcome, 'settled'> = { opened: false };
    let connection: OursConnection;
    try {
      connection = await module.connect(url, { protocols: [...protocols] });
    } catch (error) {
      outcome.error = errorText(error);
      return outcome;
    }
    outcome.opened = true;
    if (connection.subprotocol) outcome.protocol = connection.subprotocol;
    connection.on('error', (error) => {
      outcome.error ??= errorText(error);
    });
    echo(connection);
    const close = await connection.closed;
    outcome.closeCode = close.code;
    outcome.closeReason = close.reason;
    return outcome;
  },
};

/**
 * `@ws/server`'s standalone `WebSocketServer({ port })`: its own TCP listener and HTTP head
 * reader instead of Node's http parser, so the server-side cases run through that path too.
 */
export const oursStandaloneTarget: Target = {
  name: 'ours-standalone',
  label: '@ws/server standalone',
  sides: ['server'],
  async unavailable() {
    const module = await loadStandalone();
    return typeof module === 'string' ? module : undefined;
  },
  async startServer(setup) {
    const module = await loadStandalone();
    if (typeof module === 'string') throw new Error(module);
    const server = new module.WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      protocols: (offered: readonly string[]) => chooseProtocol(offered),
      ...deflateOptions(setup),
    });
    server.on('connection', echo);
    await new Promise<void>((resolve, reject) => {
      server.on('listening', () => resolve());
      server.on('error', (error) => reject(error));
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    return { port: address.port, stop: () => server.terminate() };
  },
  runClient() {
    return Promise.reject(new Error('the standalone target has no client side'));
  },
};
