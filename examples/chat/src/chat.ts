import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { allowOrigins, type ServerConnection, WebSocketServer } from '@ws/server';
import { PAGE } from './page.js';

export interface ChatOptions {
  port: number;
  host: string;
  log?: (line: string) => void;
}

export interface Chat {
  http: Server;
  wss: WebSocketServer;
  /** http://host:port/ once listening. */
  url: string;
  /** Graceful shutdown: every client gets 1001, then the HTTP server closes. */
  close(): Promise<void>;
}

interface ChatMessage {
  type: 'welcome' | 'system' | 'chat';
  [field: string]: unknown;
}

/** The chat server: one page on `/`, the WebSocket endpoint on `/ws`. */
export async function startChat(options: ChatOptions): Promise<Chat> {
  const log = options.log ?? console.log;
  const http = createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/' || req.url === '/index.html')) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(PAGE);
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('not found');
  });

  // Set once the port is known; nothing connects before the server listens.
  let origins: ReturnType<typeof allowOrigins> = () => false;
  const wss = new WebSocketServer({
    server: http,
    path: '/ws',
    // Only pages served by this server may connect (cross-site WebSocket hijacking).
    verify: (req, handshake) => origins(req, handshake),
    protocols: (offered) => (offered.includes('chat.v1') ? 'chat.v1' : undefined),
    limits: { maxMessageSize: 16 * 1024 },
    heartbeatInterval: 30_000,
    maxConnections: 1000,
  });

  const names = new WeakMap<ServerConnection, string>();
  let guests = 0;
  const send = (message: ChatMessage, filter?: (c: ServerConnection) => boolean): void => {
    wss.broadcast(JSON.stringify(message), filter);
  };

  wss.on('connection', (connection, req) => {
    const name = `guest-${++guests}`;
    names.set(connection, name);
    const from = `${req.socket.remoteAddress}:${req.socket.remotePort}`;
    log(`+ ${name} connected from ${from} (${wss.clients.size} online)`);
    void connection.sendText(JSON.stringify({ type: 'welcome', name }));
    send(
      { type: 'system', text: `${name} joined`, online: wss.clients.size },
      (c) => c !== connection,
    );
    connection.on('message', (message) => {
      if (message.type !== 'text') return;
      send({ type: 'chat', from: name, text: message.data.slice(0, 2000) });
    });
    connection.on('close', ({ code }) => {
      log(`- ${name} left (${code}, ${wss.clients.size} online)`);
      send({ type: 'system', text: `${name} left`, online: wss.clients.size });
    });
  });
  wss.on('handshakeError', (error, req) => {
    log(`! refused ${req.url} from ${req.socket.remoteAddress}: ${error.status} ${error.message}`);
  });
  wss.on('error', (error) => log(`! ${error.message}`));

  http.listen(options.port, options.host);
  await once(http, 'listening');
  const { port } = http.address() as AddressInfo;
  const hostName = options.host.includes(':') ? `[${options.host}]` : options.host;
  origins = allowOrigins([`http://${hostName}:${port}`, `http://localhost:${port}`]);

  let closing: Promise<void> | undefined;
  return {
    http,
    wss,
    url: `http://${hostName}:${port}/`,
    close() {
      closing ??= (async () => {
        await wss.close(1001, 'server shutting down');
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      })();
      return closing;
    },
  };
}
