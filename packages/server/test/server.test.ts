import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type HandshakeError,
  type ServerConnection,
  WebSocketServer,
  type WebSocketServerOptions,
} from '../src/index.js';
import {
  listen,
  Opcode,
  rawClient,
  rawConnect,
  rawRequest,
  readResponse,
  text,
  upgradeHead,
} from './helpers.js';

const servers: WebSocketServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((wss) => wss.terminate()));
});

async function start(options: Omit<WebSocketServerOptions, 'port' | 'server' | 'noServer'> = {}) {
  const result = await listen(options);
  servers.push(result.wss);
  const errors: HandshakeError[] = [];
  result.wss.on('handshakeError', (error) => errors.push(error));
  return { ...result, errors };
}

describe('WebSocketServer (standalone)', () => {
  it('emits connection with the request, keeps clients, and echoes', async () => {
    const { wss, port } = await start();
    const seen: string[] = [];
    wss.on('connection', (connection, req) => {
      seen.push(`${req.url} ${req.headers.host}`);
      connection.on('message', (message) => {
        if (message.type === 'text') void connection.sendText(message.data.toUpperCase());
      });
    });
    const { client } = await rawClient(port, '/room?id=1');
    expect(seen).toEqual(['/room?id=1 localhost']);
    expect(wss.clients.size).toBe(1);
    client.send(Opcode.Text, 'abc');
    expect(text((await client.waitFrames(1))[0]!)).toBe('ABC');
    client.socket.destroy();
    const [connection] = [...wss.clients];
    await connection!.closed;
    expect(wss.clients.size).toBe(0);
  });

  const refusals: [string, string, number][] = [
    ['a plain GET', 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n', 400],
    ['a request without Connection: Upgrade', upgradeHead('/', { Connection: 'close' }), 400],
    ['POST', upgradeHead('/', {}, 'POST'), 405],
    ['version 7', upgradeHead('/', { 'Sec-WebSocket-Version': '7' }), 426],
    ['a bad key', upgradeHead('/', { 'Sec-WebSocket-Key': 'short' }), 400],
    ['HTTP/1.0', upgradeHead().replace('HTTP/1.1', 'HTTP/1.0'), 505],
    ['a malformed header line', 'GET / HTTP/1.1\r\nno colon here\r\n\r\n', 400],
    ['a bare LF', 'GET / HTTP/1.1\nHost: x\r\n\r\n', 400],
  ];
  for (const [what, request, status] of refusals) {
    it(`answers ${status} to ${what} and closes the socket`, async () => {
      const { port } = await start();
      const response = await rawRequest(port, request);
      expect(response.status).toBe(status);
      if (status === 426) expect(response.headers['sec-websocket-version']).toBe('13');
      expect(response.headers.connection).toBe('close');
    });
  }

  it('answers 431 to more header lines than maxHeaders, and to a head over maxHeaderBytes', async () => {
    const { port, errors } = await start({ maxHeaders: 10, maxHeaderBytes: 2048 });
    const lines: Record<string, string> = {};
    for (let i = 0; i < 10; i++) lines[`X-${i}`] = '1';
    expect((await rawRequest(port, upgradeHead('/', lines))).status).toBe(431);
    expect((await rawRequest(port, upgradeHead('/', { 'X-Big': 'z'.repeat(4096) }))).status).toBe(
      431,
    );
    // Refused before a handshake started: no HandshakeError for a head that never parsed.
    expect(errors).toHaveLength(0);
  });

  it('answers 404 outside its path and 403 from verify, reporting handshakeError', async () => {
    const { port, errors } = await start({ path: '/ws', verify: (req) => req.url !== '/ws?deny' });
    expect((await rawRequest(port, upgradeHead('/other'))).status).toBe(404);
    expect((await rawRequest(port, upgradeHead('/ws?deny'))).status).toBe(403);
    const { client } = await rawClient(port, '/ws?ok');
    client.socket.destroy();
    expect(errors.map((error) => error.status)).toEqual([403]);
  });

  it('answers 503 past maxConnections and accepts again once a connection closed', async () => {
    const { wss, port, errors } = await start({ maxConnections: 2 });
    const a = await rawClient(port);
    const b = await rawClient(port);
    expect(wss.clients.size).toBe(2);
    const refused = await rawRequest(port, upgradeHead());
    expect(refused.status).toBe(503);
    a.client.socket.destroy();
    await Promise.all([...wss.clients].map((c) => (c.readyState === 'open' ? null : c.closed)));
    while (wss.clients.size > 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const c = await rawClient(port);
    expect(wss.clients.size).toBe(2);
    b.client.socket.destroy();
    c.client.socket.destroy();
    expect(errors).toHaveLength(0);
  });

  it('closes a slowloris socket whose head never completes (handshakeTimeout)', async () => {
    const { port } = await start({ handshakeTimeout: 150 });
    const socket = await rawConnect(port);
    const response = readResponse(socket);
    socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
    // One more header line now and then, never the blank line that ends the head.
    const drip = setInterval(() => socket.write('X-Drip: 1\r\n'), 30);
    const answer = await response;
    clearInterval(drip);
    expect(answer.status).toBe(408);
    expect(socket.destroyed || socket.readableEnded).toBe(true);
  });

  it('closes an idle socket that sends nothing within handshakeTimeout', async () => {
    const { port } = await start({ handshakeTimeout: 100 });
    const socket = await rawConnect(port);
    const answer = readResponse(socket);
    // readResponse settles a refusal only once the server closed the socket.
    expect((await answer).status).toBe(408);
  });

  it('handshakes in progress count against maxConnections', async () => {
    const { port } = await start({ maxConnections: 1, handshakeTimeout: 5000 });
    const idle = await rawConnect(port);
    // Let the server see the first socket before the second arrives.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await rawRequest(port, upgradeHead())).status).toBe(503);
    idle.destroy();
  });

  it('heartbeat pings clients and terminates one that does not answer', async () => {
    const { wss, port } = await start({ heartbeatInterval: 150, autoPong: true });
    const connections: ServerConnection[] = [];
    wss.on('connection', (connection) => connections.push(connection));
    const silent = await rawClient(port);
    const lively = await rawClient(port);
    // The lively client answers every ping; the silent one never does.
    let pongs = 0;
    lively.client.socket.on('data', () => {
      for (const frame of lively.client.frames.splice(0)) {
        if (frame.opcode === Opcode.Ping) {
          pongs++;
          lively.client.send(Opcode.Pong, frame.payload);
        }
      }
    });
    await silent.client.waitClosed();
    expect((await connections[0]!.closed).code).toBe(1006);
    expect(silent.client.frames.some((frame) => frame.opcode === Opcode.Ping)).toBe(true);
    expect(pongs).toBeGreaterThan(0);
    expect(lively.client.closed).toBe(false);
    expect(wss.clients.size).toBe(1);
    lively.client.socket.destroy();
  });

  it('close() sends 1001 to every client, waits for their closing handshakes, then emits close', async () => {
    const { wss, port } = await start();
    const clients = await Promise.all([rawClient(port), rawClient(port)]);
    let closedEvent = false;
    wss.on('close', () => {
      closedEvent = true;
    });
    const closing = wss.close();
    expect(wss.state).toBe('closing');
    for (const { client } of clients) {
      const [frame] = await client.waitFrames(1);
      expect(frame!.opcode).toBe(Opcode.Close);
      expect((frame!.payload[0]! << 8) | frame!.payload[1]!).toBe(1001);
    }
    // Still waiting: the clients have not answered yet.
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(closedEvent).toBe(false);
    for (const { client } of clients) client.send(Opcode.Close, new Uint8Array([0x03, 0xe9]));
    await closing;
    expect(closedEvent).toBe(true);
    expect(wss.state).toBe('closed');
    for (const { client } of clients) await client.waitClosed();
    // No longer listening.
    await expect(rawConnect(port)).rejects.toThrow();
  });

  it('close() destroys clients that never answer after closeTimeout', async () => {
    const { wss, port } = await start({ closeTimeout: 100 });
    const { client } = await rawClient(port);
    const connection = [...wss.clients][0]!;
    await wss.close();
    expect((await connection.closed).wasClean).toBe(false);
    await client.waitClosed();
  });

  it('close() refuses a handshake that is still verifying with 503', async () => {
    let entered!: () => void;
    const verifying = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const { wss, port, errors } = await start({
      verify: () => {
        entered();
        return new Promise<boolean>(() => {});
      },
    });
    const response = rawRequest(port, upgradeHead());
    await verifying;
    await wss.close();
    expect((await response).status).toBe(503);
    expect(errors.map((error) => error.kind)).toEqual(['server-closing']);
  });

  it('terminate() destroys every connection at once', async () => {
    const { wss, port } = await start();
    const { client } = await rawClient(port);
    const connection = [...wss.clients][0] as ServerConnection;
    await wss.terminate();
    expect((await connection.closed).code).toBe(1006);
    await client.waitClosed();
    expect(client.frames).toHaveLength(0);
    expect(wss.state).toBe('closed');
  });

  it('answers 500 when a shouldHandle or verify hook throws, reporting it on error', async () => {
    const bug = new Error('hook bug');
    const { wss, port } = await start({
      shouldHandle: (req) => {
        if (req.url === '/filter-bug') throw bug;
        return true;
      },
      verify: (req) => {
        if (req.url === '/verify-bug') throw bug;
        return true;
      },
    });
    const errors: Error[] = [];
    wss.on('error', (error) => errors.push(error));
    expect((await rawRequest(port, upgradeHead('/filter-bug'))).status).toBe(500);
    expect((await rawRequest(port, upgradeHead('/verify-bug'))).status).toBe(500);
    expect(errors.map((error) => (error as HandshakeError).cause)).toEqual([bug, bug]);
    const { client } = await rawClient(port, '/fine');
    client.socket.destroy();
  });

  it('reports a listen failure as error', async () => {
    const { port } = await start();
    const second = new WebSocketServer({ port, host: '127.0.0.1' });
    const [error] = (await once(second, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('EADDRINUSE');
    await second.terminate();
  });

  it('throws for contradictory or invalid options', () => {
    expect(() => new WebSocketServer({} as never)).toThrow(TypeError);
    expect(() => new WebSocketServer({ port: 0, noServer: true })).toThrow(TypeError);
    expect(() => new WebSocketServer({ noServer: true, maxConnections: -1 })).toThrow(RangeError);
    expect(() => new WebSocketServer({ noServer: true, path: 'ws' })).toThrow(TypeError);
    expect(() => new WebSocketServer({ noServer: true, slowClients: 'drop' as never })).toThrow(
      TypeError,
    );
  });
});
