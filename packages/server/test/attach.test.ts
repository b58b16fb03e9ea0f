import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type HandshakeError, WebSocketServer } from '../src/index.js';
import { Opcode, rawClient, rawRequest, text, upgradeHead } from './helpers.js';

let http: Server | undefined;
const servers: WebSocketServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((wss) => wss.terminate()));
  http?.closeAllConnections();
  if (http?.listening) await new Promise((resolve) => http!.close(resolve));
  http = undefined;
});

async function httpServer(): Promise<number> {
  http = createServer((_req, res) => res.end('page'));
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  return (http.address() as { port: number }).port;
}

function named(wss: WebSocketServer, name: string): WebSocketServer {
  servers.push(wss);
  wss.on('connection', (connection) => {
    connection.on('message', (message) => {
      if (message.type === 'text') void connection.sendText(`${name}:${message.data}`);
    });
  });
  return wss;
}

describe('WebSocketServer attached to an http.Server', () => {
  it('two servers on one http.Server each take their own path', async () => {
    const port = await httpServer();
    const chat = named(new WebSocketServer({ server: http!, path: '/chat' }), 'chat');
    const feed = named(new WebSocketServer({ server: http!, path: '/feed' }), 'feed');
    const a = await rawClient(port, '/chat');
    const b = await rawClient(port, '/feed?since=3');
    a.client.send(Opcode.Text, 'x');
    b.client.send(Opcode.Text, 'y');
    expect(text((await a.client.waitFrames(1))[0]!)).toBe('chat:x');
    expect(text((await b.client.waitFrames(1))[0]!)).toBe('feed:y');
    expect(chat.clients.size).toBe(1);
    expect(feed.clients.size).toBe(1);
    // Plain HTTP still goes to the request handler.
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(await page.text()).toBe('page');
    a.client.socket.destroy();
    b.client.socket.destroy();
  });

  it('shouldHandle false leaves the request to the next server instead of destroying it', async () => {
    const port = await httpServer();
    const picky = named(
      new WebSocketServer({
        server: http!,
        shouldHandle: (req) => req.headers['x-room'] === 'vip',
      }),
      'vip',
    );
    const rest = named(new WebSocketServer({ server: http! }), 'rest');
    const vip = await rawClient(port, '/', { 'X-Room': 'vip' });
    const other = await rawClient(port, '/');
    vip.client.send(Opcode.Text, '1');
    other.client.send(Opcode.Text, '2');
    expect(text((await vip.client.waitFrames(1))[0]!)).toBe('vip:1');
    expect(text((await other.client.waitFrames(1))[0]!)).toBe('rest:2');
    expect(picky.clients.size).toBe(1);
    expect(rest.clients.size).toBe(1);
    vip.client.socket.destroy();
    other.client.socket.destroy();
  });

  it("leaves a request no @ws server wants to the http server's other upgrade listeners", async () => {
    const port = await httpServer();
    named(new WebSocketServer({ server: http!, path: '/ws' }), 'ws');
    const seen: string[] = [];
    http!.on('upgrade', (req: IncomingMessage, socket: Socket) => {
      if (req.url === '/ws') return;
      seen.push(req.url!);
      socket.end("HTTP/1.1 418 I'm a teapot\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    });
    expect((await rawRequest(port, upgradeHead('/proxy'))).status).toBe(418);
    expect(seen).toEqual(['/proxy']);
  });

  it('answers 503 past maxConnections, counting handshakes still in verify', async () => {
    const port = await httpServer();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let entered!: () => void;
    const verifying = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const wss = named(
      new WebSocketServer({
        server: http!,
        maxConnections: 2,
        verify: (req) => {
          if (req.url !== '/slow') return true;
          entered();
          return gate.then(() => true);
        },
      }),
      'm',
    );
    const first = await rawClient(port);
    const { rawConnect, readResponse } = await import('./helpers.js');
    const slow = await rawConnect(port);
    const slowResponse = readResponse(slow);
    slow.write(upgradeHead('/slow'));
    await verifying;
    // The slow handshake holds the second place while it waits: a third request is refused.
    expect((await rawRequest(port, upgradeHead('/third'))).status).toBe(503);
    release();
    expect((await slowResponse).status).toBe(101);
    expect(wss.clients.size).toBe(2);
    first.client.socket.destroy();
    slow.destroy();
  });

  it('answers 404 to a path no listener wants', async () => {
    const port = await httpServer();
    named(new WebSocketServer({ server: http!, path: '/ws' }), 'ws');
    expect((await rawRequest(port, upgradeHead('/nope'))).status).toBe(404);
  });

  it('close() detaches from the http.Server and leaves it running', async () => {
    const port = await httpServer();
    const wss = named(new WebSocketServer({ server: http!, path: '/ws' }), 'ws');
    await wss.close();
    expect(http!.listenerCount('upgrade')).toBe(0);
    expect(http!.listening).toBe(true);
    // Node destroys upgrade requests nobody listens to; the page still works.
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(await page.text()).toBe('page');
  });

  it('emits listening when the http.Server starts listening', async () => {
    http = createServer();
    const wss = named(new WebSocketServer({ server: http }), 'x');
    const listening = once(wss, 'listening');
    http.listen(0, '127.0.0.1');
    await listening;
    expect(wss.address()).toMatchObject({ address: '127.0.0.1' });
  });
});

describe('WebSocketServer with noServer', () => {
  it('handleUpgrade from a plain http upgrade listener resolves to the connection', async () => {
    const port = await httpServer();
    const wss = named(new WebSocketServer({ noServer: true }), 'manual');
    const outcomes: (string | number)[] = [];
    http!.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      wss.handleUpgrade(req, socket, head).then(
        (connection) => outcomes.push(connection.readyState),
        (error: HandshakeError) => outcomes.push(error.status),
      );
    });
    const { client } = await rawClient(port, '/anything');
    client.send(Opcode.Text, 'hi');
    expect(text((await client.waitFrames(1))[0]!)).toBe('manual:hi');
    expect(
      (await rawRequest(port, upgradeHead('/', { 'Sec-WebSocket-Version': '99' }))).status,
    ).toBe(426);
    expect(outcomes).toEqual(['open', 426]);
    expect(wss.address()).toBeNull();
    client.socket.destroy();
  });

  it('handleUpgrade answers 404 outside path, and the ignored promise does not leak a rejection', async () => {
    const port = await httpServer();
    const wss = named(new WebSocketServer({ noServer: true, path: '/only' }), 'p');
    http!.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      void wss.handleUpgrade(req, socket, head);
    });
    expect((await rawRequest(port, upgradeHead('/else'))).status).toBe(404);
  });

  it('handleUpgrade answers 503 after close()', async () => {
    const port = await httpServer();
    const wss = named(new WebSocketServer({ noServer: true }), 'c');
    http!.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      void wss.handleUpgrade(req, socket, head);
    });
    await wss.close();
    expect((await rawRequest(port, upgradeHead())).status).toBe(503);
  });
});
