import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  HandshakeError,
  type ServerConnection,
  type UpgradeOptions,
  upgrade,
} from '../src/index.js';
import { ACCEPT, Opcode, rawClient, rawRequest, text, upgradeHead } from './helpers.js';

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  if (server?.listening) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
});

/** An http.Server whose 'upgrade' runs `upgrade()`; collects what each call settled with. */
async function withUpgrade(options?: UpgradeOptions) {
  const results: (ServerConnection | HandshakeError)[] = [];
  const settled: Promise<unknown>[] = [];
  server = createServer((_req, res) => res.end('plain http'));
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    settled.push(
      upgrade(req, socket, head, options).then(
        (connection) => {
          results.push(connection);
          connection.on('message', (message) => {
            if (message.type === 'text') void connection.sendText(`echo ${message.data}`);
          });
        },
        (error: HandshakeError) => results.push(error),
      ),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return { port: address.port, results, settled: () => Promise.all(settled) };
}

describe('upgrade() on an http.Server', () => {
  it('answers 101 with the RFC 6455 §1.3 accept value and runs the connection', async () => {
    const { port, results } = await withUpgrade();
    const { client, response } = await rawClient(port);
    expect(response.status).toBe(101);
    expect(response.headers['sec-websocket-accept']).toBe(ACCEPT);
    expect(response.headers.upgrade?.toLowerCase()).toBe('websocket');
    client.send(Opcode.Text, 'hello');
    const [frame] = await client.waitFrames(1);
    expect(text(frame!)).toBe('echo hello');
    expect(results[0]).toBeInstanceOf(Object);
    expect((results[0] as ServerConnection).subprotocol).toBe('');
    client.socket.destroy();
  });

  it('delivers frames that arrived in the same packet as the request (the head argument)', async () => {
    const { port } = await withUpgrade();
    const { rawConnect, readResponse, RawClient } = await import('./helpers.js');
    const socket = await rawConnect(port);
    const response = readResponse(socket);
    const { encodeFrame } = await import('@ws/frame');
    const frame = encodeFrame(
      { opcode: Opcode.Text, payload: new TextEncoder().encode('early') },
      { mask: true },
    );
    socket.write(Buffer.concat([Buffer.from(upgradeHead()), frame]));
    expect((await response).status).toBe(101);
    const client = new RawClient(socket);
    const [reply] = await client.waitFrames(1);
    expect(text(reply!)).toBe('echo early');
    socket.destroy();
  });

  it('keeps frames that arrive while an async verify decides, and delivers them in order', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { port } = await withUpgrade({ verify: () => released.then(() => true) });
    const { rawConnect, readResponse, RawClient } = await import('./helpers.js');
    const { encodeFrame } = await import('@ws/frame');
    const frame = (text: string) =>
      encodeFrame({ opcode: Opcode.Text, payload: new TextEncoder().encode(text) }, { mask: true });
    const socket = await rawConnect(port);
    const response = readResponse(socket);
    // One frame with the request (Node's `head`), one while verify is pending.
    socket.write(Buffer.concat([Buffer.from(upgradeHead()), frame('one')]));
    await new Promise((resolve) => setTimeout(resolve, 30));
    socket.write(frame('two'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    release();
    expect((await response).status).toBe(101);
    const client = new RawClient(socket);
    const replies = await client.waitFrames(2);
    expect(replies.map(text)).toEqual(['echo one', 'echo two']);
    socket.destroy();
  });

  const refusals: [string, string | Buffer, number, Record<string, string>?][] = [
    ['POST', upgradeHead('/', {}, 'POST'), 405, { allow: 'GET' }],
    ['a missing key', upgradeHead('/', { 'Sec-WebSocket-Key': null }), 400],
    ['a key of 15 bytes', upgradeHead('/', { 'Sec-WebSocket-Key': 'AAAAAAAAAAAAAAAAAAAA' }), 400],
    [
      'version 8',
      upgradeHead('/', { 'Sec-WebSocket-Version': '8' }),
      426,
      { 'sec-websocket-version': '13' },
    ],
    [
      'a missing version',
      upgradeHead('/', { 'Sec-WebSocket-Version': null }),
      426,
      { 'sec-websocket-version': '13' },
    ],
    [
      'two Host headers',
      upgradeHead('/', {}).replace('Host: localhost\r\n', 'Host: a\r\nHost: b\r\n'),
      400,
    ],
    ['a bad protocol list', upgradeHead('/', { 'Sec-WebSocket-Protocol': 'a b' }), 400],
  ];

  for (const [what, request, status, headers] of refusals) {
    it(`answers ${status} to ${what}, closes the socket and rejects with that status`, async () => {
      const { port, results, settled } = await withUpgrade();
      const response = await rawRequest(port, request);
      expect(response.status).toBe(status);
      for (const [name, value] of Object.entries(headers ?? {})) {
        expect(response.headers[name]).toBe(value);
      }
      await settled();
      expect(results).toHaveLength(1);
      expect(results[0]).toBeInstanceOf(HandshakeError);
      expect((results[0] as HandshakeError).status).toBe(status);
    });
  }

  it('answers 431 to more header lines than maxHeaders', async () => {
    const { port, results, settled } = await withUpgrade({ maxHeaders: 20 });
    const extra: Record<string, string> = {};
    for (let i = 0; i < 20; i++) extra[`X-Filler-${i}`] = 'x';
    const response = await rawRequest(port, upgradeHead('/', extra));
    expect(response.status).toBe(431);
    await settled();
    expect((results[0] as HandshakeError).kind).toBe('headers-too-large');
  });

  it('answers 431 when Node dropped headers past its maxHeadersCount', async () => {
    const { port, results, settled } = await withUpgrade({ maxHeaders: 5000 });
    server!.maxHeadersCount = 30;
    const extra: Record<string, string> = {};
    // The key comes last: Node drops it with the other headers past the count.
    for (let i = 0; i < 40; i++) extra[`X-Filler-${i}`] = 'x';
    const head = upgradeHead('/', { ...extra, 'Sec-WebSocket-Key': null }).replace(
      '\r\n\r\n',
      '\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    const response = await rawRequest(port, head);
    expect(response.status).toBe(431);
    await settled();
    // Node 20 drops the headers past the count and emits 'upgrade': upgrade() must notice and
    // answer 431 itself. Node 22+ answers 431 from its parser (HPE_HEADER_OVERFLOW) before any
    // 'upgrade' event, so upgrade() is never called.
    const nodeMajor = Number(process.versions.node.split('.')[0]);
    if (nodeMajor < 22) {
      expect(results).toHaveLength(1);
      expect((results[0] as HandshakeError).status).toBe(431);
    } else {
      expect(results.every((result) => (result as HandshakeError).status === 431)).toBe(true);
    }
  });

  it('answers 431 to header bytes over maxHeaderBytes', async () => {
    const { port, settled, results } = await withUpgrade({ maxHeaderBytes: 1000 });
    const response = await rawRequest(port, upgradeHead('/', { 'X-Big': 'y'.repeat(2000) }));
    expect(response.status).toBe(431);
    await settled();
    expect((results[0] as HandshakeError).status).toBe(431);
  });

  it('refuses with 403 when verify returns false, and with its own status and headers', async () => {
    let calls = 0;
    const { port, results, settled } = await withUpgrade({
      verify: async (req) => {
        calls++;
        if (req.url === '/forbidden') return false;
        if (req.url === '/auth') {
          return { status: 401, reason: 'log in first', headers: { 'WWW-Authenticate': 'Bearer' } };
        }
        return true;
      },
    });
    const forbidden = await rawRequest(port, upgradeHead('/forbidden'));
    expect(forbidden.status).toBe(403);
    const auth = await rawRequest(port, upgradeHead('/auth'));
    expect(auth.status).toBe(401);
    expect(auth.headers['www-authenticate']).toBe('Bearer');
    expect(auth.body).toBe('log in first');
    const { client } = await rawClient(port, '/ok');
    await settled();
    expect(calls).toBe(3);
    expect(results.map((r) => (r instanceof HandshakeError ? r.status : 101))).toEqual([
      403, 401, 101,
    ]);
    client.socket.destroy();
  });

  it('answers 500 when verify throws, and rejects with the thrown error as the cause', async () => {
    const bug = new Error('bug in verify');
    const { port, results, settled } = await withUpgrade({
      verify: () => {
        throw bug;
      },
    });
    const response = await rawRequest(port, upgradeHead());
    expect(response.status).toBe(500);
    await settled();
    const error = results[0] as HandshakeError;
    expect(error.kind).toBe('internal-error');
    expect(error.cause).toBe(bug);
  });

  it('answers 408 when verify outlasts handshakeTimeout', async () => {
    const { port, results, settled } = await withUpgrade({
      handshakeTimeout: 100,
      verify: () => new Promise<boolean>(() => {}),
    });
    const response = await rawRequest(port, upgradeHead());
    expect(response.status).toBe(408);
    await settled();
    expect((results[0] as HandshakeError).kind).toBe('timeout');
  });

  it('rejects with status 0 when the client leaves during verify', async () => {
    let release!: (value: boolean) => void;
    let entered!: () => void;
    const inVerify = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const { port, results, settled } = await withUpgrade({
      verify: () =>
        new Promise<boolean>((resolve) => {
          release = resolve;
          entered();
        }),
    });
    const { rawConnect } = await import('./helpers.js');
    const socket = await rawConnect(port);
    socket.write(upgradeHead());
    await inVerify;
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    release(true);
    await settled();
    const error = results[0] as HandshakeError;
    expect(error.kind).toBe('socket-closed');
    expect(error.status).toBe(0);
  });

  it('selects a subprotocol with protocols() and reports it on the connection', async () => {
    const offers: string[][] = [];
    const { port, results, settled } = await withUpgrade({
      protocols: (offered) => {
        offers.push([...offered]);
        return offered.includes('chat.v2') ? 'chat.v2' : undefined;
      },
    });
    const { client, response } = await rawClient(port, '/', {
      'Sec-WebSocket-Protocol': 'chat.v1, chat.v2',
    });
    expect(response.headers['sec-websocket-protocol']).toBe('chat.v2');
    await settled();
    expect(offers).toEqual([['chat.v1', 'chat.v2']]);
    expect((results[0] as ServerConnection).subprotocol).toBe('chat.v2');
    client.socket.destroy();
    const { client: second, response: none } = await rawClient(port, '/', {
      'Sec-WebSocket-Protocol': 'other',
    });
    expect(none.headers['sec-websocket-protocol']).toBeUndefined();
    second.socket.destroy();
  });

  it('answers 500 when protocols() picks a value the client did not offer', async () => {
    const { port, results, settled } = await withUpgrade({ protocols: () => 'not-offered' });
    const response = await rawRequest(port, upgradeHead('/', { 'Sec-WebSocket-Protocol': 'chat' }));
    expect(response.status).toBe(500);
    await settled();
    expect((results[0] as HandshakeError).cause).toBeInstanceOf(TypeError);
  });

  it('throws at once for invalid options (caller misuse)', async () => {
    const { rawConnect } = await import('./helpers.js');
    const { port } = await withUpgrade();
    const socket = await rawConnect(port);
    const req = { httpVersion: '1.1', headers: {}, rawHeaders: [], socket } as never;
    expect(() => upgrade(req, socket, undefined, { handshakeTimeout: -1 })).toThrow(RangeError);
    expect(() => upgrade(req, socket, undefined, { verify: 42 as never })).toThrow(TypeError);
    expect(() => upgrade(null as never, socket)).toThrow(TypeError);
    expect(() => upgrade(req, socket, undefined, { headers: { 'X-Bad': 'a\r\nb' } })).toThrow(
      TypeError,
    );
    expect(() => upgrade(req, socket, undefined, { headers: { Upgrade: 'h2c' } })).toThrow(
      TypeError,
    );
    expect(() => upgrade(req, socket, undefined, { limits: { maxMessageSize: -1 } })).toThrow(
      RangeError,
    );
    expect(() => upgrade(req, socket, undefined, { closeTimeout: -5 })).toThrow(RangeError);
    socket.destroy();
  });

  it('adds the headers option to the 101 response', async () => {
    const { port } = await withUpgrade({ headers: { 'Set-Cookie': 'session=abc' } });
    const { client, response } = await rawClient(port);
    expect(response.headers['set-cookie']).toBe('session=abc');
    client.socket.destroy();
  });

  it("accepts a framework's request object that has only a headers record", async () => {
    const results: (ServerConnection | HandshakeError)[] = [];
    server = createServer();
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const minimal = {
        method: req.method,
        url: req.url,
        httpVersion: req.httpVersion,
        headers: req.headers,
        socket,
      } as never;
      upgrade(minimal, socket, head).then(
        (connection) => results.push(connection),
        (error: HandshakeError) => results.push(error),
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const { client } = await rawClient(port);
    expect(
      (await rawRequest(port, upgradeHead('/', { 'Sec-WebSocket-Version': '9' }))).status,
    ).toBe(426);
    client.socket.destroy();
  });

  it('sends Close with the connection and settles its closed promise', async () => {
    const { port, results, settled } = await withUpgrade();
    const { client } = await rawClient(port);
    await settled();
    const connection = results[0] as ServerConnection;
    const closed = connection.close(1000, 'bye');
    const [frame] = await client.waitFrames(1);
    expect(frame!.opcode).toBe(Opcode.Close);
    client.send(Opcode.Close, new Uint8Array([0x03, 0xe8]));
    expect(await closed).toMatchObject({ code: 1000, wasClean: true });
    await client.waitClosed();
  });
});
