import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CloseMessage, Connection } from '../src/index.js';
import { fromSocket } from '../src/node/index.js';
import { clientFrame, concat, Opcode } from './helpers.js';

const servers: net.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A loopback server handing each accepted socket to `onSocket`; resolves to its port. */
async function listen(onSocket: (socket: net.Socket) => void): Promise<number> {
  const server = net.createServer({ allowHalfOpen: true }, onSocket);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as net.AddressInfo).port;
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  await once(socket, 'connect');
  return socket;
}

/** A server Connection per socket, a client Connection to it. */
async function connectedPair(options: Record<string, unknown> = {}): Promise<{
  server: Connection;
  client: Connection;
  serverSocket: net.Socket;
  clientSocket: net.Socket;
}> {
  let resolve!: (value: [Connection, net.Socket]) => void;
  const accepted = new Promise<[Connection, net.Socket]>((r) => (resolve = r));
  const port = await listen((socket) =>
    resolve([fromSocket(socket, { role: 'server', ...options }), socket]),
  );
  const clientSocket = await connect(port);
  const client = fromSocket(clientSocket, { role: 'client', ...options });
  const [server, serverSocket] = await accepted;
  return { server, client, serverSocket, clientSocket };
}

const close1006: CloseMessage = { type: 'close', code: 1006, reason: '', wasClean: false };

describe('@ws/protocol/node over loopback sockets', () => {
  it('echoes messages and closes cleanly, both sockets closed', async () => {
    const { server, client, serverSocket, clientSocket } = await connectedPair();
    server.on('message', (message) => {
      if (message.type === 'text') void server.sendText(message.data);
      else void server.sendBinary(message.data);
    });
    const big = new Uint8Array(1 << 20).map((_, i) => i & 0xff);
    await client.sendText('hello');
    await client.sendBinary(big);
    expect(await client.receive()).toEqual({ type: 'text', data: 'hello' });
    const echoed = await client.receive();
    expect(
      echoed instanceof Error || echoed.type !== 'binary'
        ? echoed
        : Buffer.compare(echoed.data, big),
    ).toBe(0);
    const serverClosed = server.closed;
    expect(await client.close(1000, 'bye')).toEqual({
      type: 'close',
      code: 1000,
      reason: '',
      wasClean: true,
    });
    expect(await serverClosed).toEqual({
      type: 'close',
      code: 1000,
      reason: 'bye',
      wasClean: true,
    });
    expect(serverSocket.destroyed && clientSocket.destroyed).toBe(true);
  });

  it('processes the bytes read past the HTTP head before the socket’s own data', async () => {
    let conn!: Promise<Connection>;
    const port = await listen((socket) => {
      conn = new Promise((resolve) => {
        let head = Buffer.alloc(0);
        const onData = (chunk: Buffer) => {
          head = Buffer.concat([head, chunk]);
          const end = head.indexOf('\r\n\r\n');
          if (end < 0) return;
          socket.off('data', onData);
          socket.pause();
          socket.write('HTTP/1.1 101 Switching Protocols\r\n\r\n');
          resolve(fromSocket(socket, { role: 'server', head: head.subarray(end + 4) }));
        };
        socket.on('data', onData);
      });
    });
    const raw = await connect(port);
    raw.write(
      concat(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'), clientFrame(Opcode.Text, 'first')),
    );
    const server = await conn;
    raw.write(clientFrame(Opcode.Text, 'second'));
    expect(await server.receive()).toEqual({ type: 'text', data: 'first' });
    expect(await server.receive()).toEqual({ type: 'text', data: 'second' });
    raw.destroy();
    expect(await server.closed).toEqual(close1006);
  });

  it('sends all frames of one tick in one socket write, and answers one read with one write', async () => {
    const { server, client, serverSocket, clientSocket } = await connectedPair();
    let clientWrites = 0;
    const write = clientSocket.write.bind(clientSocket);
    clientSocket.write = ((...args: Parameters<typeof write>) => {
      clientWrites++;
      return write(...args);
    }) as typeof clientSocket.write;
    let reads = 0;
    let serverWrites = 0;
    serverSocket.on('data', () => reads++);
    const serverWrite = serverSocket.write.bind(serverSocket);
    serverSocket.write = ((...args: Parameters<typeof serverWrite>) => {
      serverWrites++;
      return serverWrite(...args);
    }) as typeof serverSocket.write;
    server.on('message', (message) => void server.sendText(String(message.data)));
    const sends = [];
    for (let i = 0; i < 16; i++) sends.push(client.sendText(`message ${i}`));
    await Promise.all(sends);
    expect(clientWrites).toBe(1);
    for (let i = 0; i < 16; i++)
      expect(await client.receive()).toEqual({ type: 'text', data: `message ${i}` });
    expect(serverWrites).toBe(reads);
    await client.close();
  });

  it('replies from a for-await loop over one read share one write (flushed after the microtasks)', async () => {
    const { server, client, serverSocket } = await connectedPair();
    let reads = 0;
    let writes = 0;
    serverSocket.on('data', () => reads++);
    const write = serverSocket.write.bind(serverSocket);
    serverSocket.write = ((...args: Parameters<typeof write>) => {
      writes++;
      return write(...args);
    }) as typeof serverSocket.write;
    void (async () => {
      for await (const message of server) void server.sendText(String(message.data));
    })();
    for (let i = 0; i < 32; i++) void client.sendText(`m${i}`);
    for (let i = 0; i < 32; i++)
      expect(await client.receive()).toEqual({ type: 'text', data: `m${i}` });
    expect(reads).toBeGreaterThan(0);
    expect(writes).toBe(reads);
    await client.close();
  });

  it('large masked messages cross reads intact (bufferutil unmask, uninitialized masked copies)', async () => {
    const { server, client } = await connectedPair();
    server.on('message', (message) => {
      if (message.type === 'binary') void server.sendBinary(message.data);
    });
    for (const size of [2047, 2048, 65_536, 300_001]) {
      const payload = new Uint8Array(size);
      for (let i = 0; i < size; i++) payload[i] = (i * 31 + size) & 0xff;
      const copy = payload.slice();
      void client.sendBinary(payload);
      const echoed = await client.receive();
      expect(echoed).toMatchObject({ type: 'binary' });
      const data = (echoed as { data: Uint8Array }).data;
      expect(Buffer.compare(data, copy)).toBe(0);
      // §5.3: the client masked a copy; the caller's bytes are untouched.
      expect(Buffer.compare(payload, copy)).toBe(0);
    }
    await client.close();
  });

  it('text spanning reads: valid multi-byte text crosses intact, invalid fails 1007 before the message ends (buffer.isUtf8)', async () => {
    const text = '{"κόσμε":"добрый 世界","emoji":"😀🎉𝄞"} '.repeat(8000);
    const { server, client } = await connectedPair();
    server.on('message', (message) => {
      if (message.type === 'text') void server.sendText(message.data);
    });
    void client.sendText(text);
    expect(await client.receive()).toEqual({ type: 'text', data: text });
    await client.close();

    // A raw client: the first 100 KiB of a 256 KiB text frame, an invalid byte at 60 000.
    const port = await listen((socket) => {
      const conn = fromSocket(socket, { role: 'server' });
      conn.on('error', () => {});
    });
    const payload = new TextEncoder().encode(text).subarray(0, 256 * 1024);
    let at = 60_000;
    while ((payload[at]! & 0xc0) === 0x80) at++;
    const broken = payload.slice();
    broken[at] = 0xff;
    const wire = clientFrame(Opcode.Text, broken);
    const raw = await connect(port);
    const replies: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => replies.push(chunk));
    for (let sent = 0; sent < 100 * 1024; sent += 4096) raw.write(wire.subarray(sent, sent + 4096));
    await once(raw, 'end');
    const reply = Buffer.concat(replies);
    // §7.4.1 1007: a Close frame (opcode 8) with the code, sent before the frame was complete.
    expect([reply[0], reply[1], reply.readUInt16BE(2)]).toEqual([0x88, 2, 1007]);
    raw.destroy();
  });

  it('backpressure: a server that does not consume pauses the socket; memory stays bounded', async () => {
    const { server, client, serverSocket } = await connectedPair({ readHighWaterMark: 256 * 1024 });
    const payload = new Uint8Array(64 * 1024);
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 512; i++) sends.push(client.sendBinary(payload));
    let settled = 0;
    for (const send of sends) void send.then(() => settled++);
    // Wait until the flow stops: the server socket paused, client sends waiting.
    for (let i = 0; i < 1000 && !serverSocket.isPaused(); i++)
      await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    expect(serverSocket.isPaused()).toBe(true);
    expect(settled).toBeLessThan(512);
    // Held by the server connection: at most the high-water mark plus one read's worth.
    expect(server.protocol.bufferedBytes).toBeLessThan(256 * 1024);
    let received = 0;
    while (received < 512) {
      const message = await server.receive();
      expect(message).toMatchObject({ type: 'binary' });
      received++;
    }
    await Promise.all(sends);
    expect(settled).toBe(512);
    await client.close();
  }, 20_000);

  it('a peer that floods pings and never reads cannot grow our output past the high-water mark', async () => {
    let server!: Connection;
    let serverSocket!: net.Socket;
    const port = await listen((socket) => {
      serverSocket = socket;
      server = fromSocket(socket, { role: 'server', highWaterMark: 64 * 1024 });
    });
    const raw = await connect(port);
    raw.pause();
    let pings = 0;
    server.on('ping', () => pings++);
    const ping = clientFrame(Opcode.Ping, new Uint8Array(125));
    const burst = concat(...Array.from({ length: 1000 }, () => ping));
    let maxQueued = 0;
    // 50,000 pings (6.5 MB of pongs if each were answered), none of the pongs read.
    for (let i = 0; i < 50; i++) {
      if (!raw.write(burst)) await once(raw, 'drain');
      maxQueued = Math.max(maxQueued, serverSocket?.writableLength ?? 0);
    }
    for (let i = 0; i < 1000 && pings < 50_000; i++) {
      await new Promise((r) => setTimeout(r, 5));
      maxQueued = Math.max(maxQueued, serverSocket.writableLength);
    }
    expect(pings).toBe(50_000);
    // The high-water mark, plus at most one batch of pongs (16 KiB, then they collapse).
    expect(maxQueued).toBeLessThanOrEqual(64 * 1024 + 16 * 1024 + 256);
    raw.destroy();
    await server.closed;
  }, 30_000);

  it("emits 'drain' after a write past the socket's buffer, with no listener before one is needed", async () => {
    let server!: Connection;
    let serverSocket!: net.Socket;
    const port = await listen((socket) => {
      serverSocket = socket;
      server = fromSocket(socket, { role: 'server', highWaterMark: 1024 });
    });
    const raw = await connect(port);
    raw.pause();
    await new Promise((r) => setTimeout(r, 10));
    await server.sendBinary(new Uint8Array(10));
    // Nothing waits for room yet: an idle connection holds no 'drain' listener.
    expect(serverSocket.listenerCount('drain')).toBe(0);
    let drains = 0;
    server.on('drain', () => drains++);
    // Far more than the kernel buffers while the peer reads nothing: the write returns false.
    for (let i = 0; i < 64; i++) void server.sendBinary(new Uint8Array(256 * 1024)).catch(() => {});
    await new Promise((r) => setTimeout(r, 10));
    expect(server.bufferedAmount).toBeGreaterThan(1024);
    expect(serverSocket.listenerCount('drain')).toBe(1);
    expect(drains).toBe(0);
    raw.resume();
    for (let i = 0; i < 1000 && drains === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(drains).toBe(1);
    raw.destroy();
    await server.closed;
  }, 30_000);

  it('destroys the socket when the peer never answers the close (closing handshake timeout)', async () => {
    let server!: Connection;
    const port = await listen((socket) => {
      server = fromSocket(socket, { role: 'server', closeTimeout: 100 });
    });
    const raw = await connect(port);
    const chunks: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = once(raw, 'end');
    await new Promise((r) => setTimeout(r, 20));
    const close = await server.close(1000);
    expect(close).toEqual(close1006);
    await ended;
    expect([...Buffer.concat(chunks)]).toEqual([0x88, 2, 0x03, 0xe8]);
    raw.destroy();
  });

  it('the peer vanishing mid-frame, or resetting, ends with 1006 and no uncaught error', async () => {
    for (const vanish of [(s: net.Socket) => s.destroy(), (s: net.Socket) => s.resetAndDestroy()]) {
      let server!: Connection;
      const port = await listen((socket) => {
        server = fromSocket(socket, { role: 'server' });
      });
      const raw = await connect(port);
      raw.write(clientFrame(Opcode.Binary, new Uint8Array(1000)).subarray(0, 500));
      await new Promise((r) => setTimeout(r, 20));
      const pending = server.receive();
      vanish(raw);
      expect(await pending).toEqual(close1006);
      expect(await server.closed).toEqual(close1006);
    }
  });

  it('random garbage from a raw peer always ends in one close, never an uncaught error', async () => {
    let accepted: Connection[] = [];
    const port = await listen((socket) => accepted.push(fromSocket(socket, { role: 'server' })));
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let round = 0; round < 20; round++) {
      accepted = [];
      const raw = await connect(port);
      raw.on('data', () => {});
      raw.on('error', () => {});
      const garbage = Buffer.from(
        Array.from({ length: 1 + Math.floor(random() * 3000) }, () => Math.floor(random() * 256)),
      );
      // Often a valid masked frame first, so the garbage hits a connection in every state.
      if (round % 2 === 0) raw.write(clientFrame(Opcode.Text, 'ok', { fin: round % 4 !== 0 }));
      raw.write(garbage);
      raw.end();
      await once(raw, 'close');
      while (accepted.length === 0) await new Promise((r) => setTimeout(r, 1));
      const close = await accepted[0]!.closed;
      expect(close.type).toBe('close');
      expect([1002, 1006, 1007, 1009].includes(close.code) || close.wasClean).toBe(true);
    }
  });

  it('a protocol violation: close frame 1002 on the wire, then the server closes the socket', async () => {
    let server!: Connection;
    const port = await listen((socket) => {
      server = fromSocket(socket, { role: 'server' });
    });
    const raw = await connect(port);
    const chunks: Buffer[] = [];
    raw.on('data', (chunk: Buffer) => chunks.push(chunk));
    // §5.1: an unmasked frame from a client.
    raw.write(Buffer.from([0x81, 0x01, 0x61]));
    await once(raw, 'end');
    expect([...Buffer.concat(chunks)]).toEqual([0x88, 2, 0x03, 0xea]);
    raw.end();
    expect(await server.closed).toEqual({ type: 'close', code: 1002, reason: '', wasClean: false });
  });

  it('both sides closing at once end clean', async () => {
    const { server, client } = await connectedPair();
    const [a, b] = await Promise.all([server.close(4000, 's'), client.close(4001, 'c')]);
    expect(a).toEqual({ type: 'close', code: 4001, reason: 'c', wasClean: true });
    expect(b).toEqual({ type: 'close', code: 4000, reason: 's', wasClean: true });
  });

  it('a client closing waits for the server to close the TCP connection (§7.1.1)', async () => {
    const { server, client, serverSocket, clientSocket } = await connectedPair();
    const order: string[] = [];
    // FIN received by each side: the client's socket sees the server's FIN first.
    clientSocket.once('end', () => order.push('server closed its side'));
    serverSocket.once('end', () => order.push('client closed its side'));
    await client.close();
    await server.closed;
    expect(order[0]).toBe('server closed its side');
  });

  it('sending after close rejects quietly; terminate() ends with 1006', async () => {
    const { server, client } = await connectedPair();
    void client.close();
    void client.sendText('nope');
    await expect(client.sendText('nope')).rejects.toMatchObject({ name: 'ConnectionClosedError' });
    await client.closed;
    server.terminate();
    await server.closed;
    const second = await connectedPair();
    second.client.terminate();
    expect(await second.client.closed).toEqual(close1006);
    expect(await second.server.closed).toEqual(close1006);
  });
});
