import { once } from 'node:events';
import { connect as netConnect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { connect, HandshakeError, WebSocket } from '../src/index.js';
import { until } from './helpers.js';

/** Interop with `ws`'s server: a peer nobody here wrote. */
describe('interop: ws server', () => {
  let wss: WebSocketServer;
  let url = '';
  const serverSide: WsSocket[] = [];

  beforeAll(async () => {
    wss = new WebSocketServer({
      port: 0,
      host: '127.0.0.1',
      perMessageDeflate: false,
      maxPayload: 32 * 1024 * 1024,
      verifyClient: (info, done) =>
        info.req.url === '/denied'
          ? done(false, 401, 'Unauthorized', { 'X-Why': 'token' })
          : done(true),
      handleProtocols: (protocols) => (protocols.has('echo') ? 'echo' : false),
    });
    wss.on('connection', (socket, request) => {
      serverSide.push(socket);
      if (request.url === '/fragments') {
        socket.send('frag', { fin: false });
        socket.send('ment', { fin: false });
        socket.send('ed', { fin: true });
        return;
      }
      if (request.url === '/ping') {
        socket.on('pong', (data) => socket.send(`pong:${data.toString()}`));
        socket.ping('hello');
        return;
      }
      if (request.url === '/close') {
        socket.close(4123, 'server says bye');
        return;
      }
      socket.on('message', (data, binary) => socket.send(data, { binary }));
    });
    await once(wss, 'listening');
    url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
  });

  afterAll(async () => {
    for (const socket of serverSide) socket.terminate();
    wss.close();
  });

  it('echoes text and binary of every size class (7-bit, 16-bit and 64-bit lengths)', async () => {
    const conn = await connect(`${url}/`, { protocols: ['echo'] });
    expect(conn.subprotocol).toBe('echo');
    for (const size of [0, 1, 125, 126, 65535, 65536, 1 << 20, 5 << 20]) {
      const bytes = new Uint8Array(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 31) & 0xff;
      await conn.sendBinary(bytes);
      const echoed = await conn.receive();
      expect((echoed as { type: string }).type).toBe('binary');
      expect(
        Buffer.compare(Buffer.from((echoed as { data: Uint8Array }).data), Buffer.from(bytes)),
      ).toBe(0);
      const text = 'é€😀'.repeat(Math.floor(size / 9));
      await conn.sendText(text);
      expect(await conn.receive()).toEqual({ type: 'text', data: text });
    }
    expect(await conn.close(1000, 'done')).toMatchObject({
      code: 1000,
      reason: 'done',
      wasClean: true,
    });
  });

  it('many messages in one tick arrive complete and in order', async () => {
    const conn = await connect(`${url}/`);
    for (let i = 0; i < 1000; i++) void conn.sendText(`m${i}`);
    const received: string[] = [];
    for await (const message of conn) {
      received.push(message.data as string);
      if (received.length === 1000) break;
    }
    expect(received).toEqual(Array.from({ length: 1000 }, (_, i) => `m${i}`));
    await conn.close();
  });

  it('reassembles a fragmented message', async () => {
    const conn = await connect(`${url}/fragments`);
    expect(await conn.receive()).toEqual({ type: 'text', data: 'fragmented' });
    await conn.close();
  });

  it('answers a ping with a pong carrying the same payload', async () => {
    const conn = await connect(`${url}/ping`);
    // The ping may arrive with the 101, before any listener: the pong is the proof.
    expect(await conn.receive()).toEqual({ type: 'text', data: 'pong:hello' });
    await conn.close();
  });

  it('reports the server’s close code and reason', async () => {
    const conn = await connect(`${url}/close`);
    expect(await conn.receive()).toMatchObject({
      type: 'close',
      code: 4123,
      reason: 'server says bye',
    });
    expect((await conn.closed).wasClean).toBe(true);
  });

  it('a refusal from the server is a HandshakeError with its status and headers', async () => {
    const error = await connect(`${url}/denied`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HandshakeError);
    expect(error).toMatchObject({ kind: 'unexpected-status', status: 401 });
    expect((error as HandshakeError).headers).toContainEqual(['X-Why', 'token']);
  });

  it('createConnection: a socket of our own, to a host the URL only names', async () => {
    const port = Number(new URL(url).port);
    const conn = await connect('ws://chat.example.invalid/room', {
      createConnection: () => netConnect(port, '127.0.0.1'),
    });
    await conn.sendText('through my socket');
    expect(await conn.receive()).toEqual({ type: 'text', data: 'through my socket' });
    await conn.close();
  });

  it('the WebSocket class, written as for a browser', async () => {
    const log: string[] = [];
    await new Promise<void>((resolve) => {
      const socket = new WebSocket(`${url}/`, 'echo');
      socket.binaryType = 'arraybuffer';
      socket.onopen = () => {
        log.push(`open ${socket.protocol}`);
        socket.send('hello');
        socket.send(new Uint8Array([1, 2, 3]).buffer);
      };
      socket.onmessage = (event) => {
        const data = event.data;
        log.push(
          typeof data === 'string' ? `text ${data}` : `binary ${new Uint8Array(data).join(',')}`,
        );
        if (log.length === 3) socket.close(1000, 'finished');
      };
      socket.onclose = (event) => {
        log.push(`close ${event.code} ${event.reason} ${event.wasClean}`);
        resolve();
      };
    });
    expect(log).toEqual(['open echo', 'text hello', 'binary 1,2,3', 'close 1000 finished true']);
  });

  it('the connection keeps to its limits with a ws server sending too much', async () => {
    const conn = await connect(`${url}/`, { limits: { maxMessageSize: 1000 } });
    await conn.sendBinary(new Uint8Array(5000));
    const result = await conn.receive();
    expect((result as { closeCode?: number }).closeCode).toBe(1009);
    const close = await conn.closed;
    expect(close.code).toBe(1009);
    await until(() => serverSide.every((s) => s.readyState !== s.CONNECTING), 'server sockets');
  });
});
