import { describe, expect, it } from 'vitest';
import type { Connection } from '../src/index.js';
import { createPipe, fromStreams } from '../src/streams/index.js';
import { clientFrame, Opcode } from './helpers.js';

function pair(options = {}): { server: Connection; client: Connection } {
  const [a, b] = createPipe();
  return {
    server: fromStreams(a.readable, a.writable, { role: 'server', ...options }),
    client: fromStreams(b.readable, b.writable, { role: 'client', ...options }),
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('@ws/protocol/streams over an in-memory pipe', () => {
  it('echoes text and binary messages and closes cleanly both ways', async () => {
    const { server, client } = pair();
    server.on('message', (message) => {
      if (message.type === 'text') void server.sendText(message.data);
      else void server.sendBinary(message.data);
    });
    await client.sendText('hello');
    await client.sendBinary(new Uint8Array([1, 2, 3]));
    expect(await client.receive()).toEqual({ type: 'text', data: 'hello' });
    expect(await client.receive()).toEqual({ type: 'binary', data: new Uint8Array([1, 2, 3]) });
    const serverClose = new Promise((resolve) => server.once('close', resolve));
    const close = await client.close(1000, 'bye');
    expect(close).toEqual({ type: 'close', code: 1000, reason: '', wasClean: true });
    expect(await serverClose).toEqual({ type: 'close', code: 1000, reason: 'bye', wasClean: true });
    expect(server.readyState).toBe('closed');
    expect(client.readyState).toBe('closed');
  });

  it('carries large and fragmented messages', async () => {
    const { server, client } = pair();
    const big = new Uint8Array(300_000).map((_, i) => (i * 7) & 0xff);
    void client.sendBinary(big, { fragmentSize: 65_536 });
    void client.sendText('é'.repeat(50_000));
    expect(await server.receive()).toEqual({ type: 'binary', data: big });
    expect(await server.receive()).toEqual({ type: 'text', data: 'é'.repeat(50_000) });
    await client.close();
  });

  it('replies from a for-await loop leave in one write per read', async () => {
    const [a, b] = createPipe(64);
    let writes = 0;
    const counting = new WritableStream<Uint8Array>({
      async write(chunk) {
        writes++;
        const writer = a.writable.getWriter();
        await writer.write(chunk);
        writer.releaseLock();
      },
      async close() {
        await a.writable.close();
      },
    });
    const server = fromStreams(a.readable, counting, { role: 'server' });
    const client = fromStreams(b.readable, b.writable, { role: 'client' });
    void (async () => {
      for await (const message of server) void server.sendText(String(message.data));
    })();
    for (let i = 0; i < 20; i++) void client.sendText(`m${i}`);
    for (let i = 0; i < 20; i++)
      expect(await client.receive()).toEqual({ type: 'text', data: `m${i}` });
    // The client's 20 sends left in one write, so the server read them at once and answered once.
    expect(writes).toBe(1);
    await client.close();
  });

  it('both sides closing at once end clean', async () => {
    const { server, client } = pair();
    const [a, b] = await Promise.all([server.close(1001, 's'), client.close(1000, 'c')]);
    expect(a).toEqual({ type: 'close', code: 1000, reason: 'c', wasClean: true });
    expect(b).toEqual({ type: 'close', code: 1001, reason: 's', wasClean: true });
  });

  it('backpressure: a consumer that does not read stops the sender, and reading releases it', async () => {
    const { server, client } = pair({ readHighWaterMark: 64 * 1024, highWaterMark: 64 * 1024 });
    const payload = new Uint8Array(32 * 1024);
    let settled = 0;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 64; i++) {
      const send = client.sendBinary(payload);
      void send.then(() => settled++);
      sends.push(send);
      await Promise.resolve();
    }
    await tick();
    await tick();
    // 2 MiB sent, the server queue stops at ~64 KiB: most sends are still waiting.
    expect(settled).toBeLessThan(16);
    expect(client.bufferedAmount).toBeGreaterThan(1024 * 1024);
    for (let i = 0; i < 64; i++) expect(await server.receive()).toMatchObject({ type: 'binary' });
    await Promise.all(sends);
    expect(settled).toBe(64);
    await client.close();
  });

  it('the peer vanishing mid-frame gives 1006 and settles every receive()', async () => {
    const [a, b] = createPipe();
    const server = fromStreams(a.readable, a.writable, { role: 'server' });
    const pending = server.receive();
    const writer = b.writable.getWriter();
    await writer.write(clientFrame(Opcode.Text, 'hello').slice(0, 5));
    await writer.close();
    const close = { type: 'close', code: 1006, reason: '', wasClean: false };
    expect(await pending).toEqual(close);
    expect(await server.closed).toEqual(close);
  });

  it('a protocol violation from a raw peer: error value, close frame 1002, then the end', async () => {
    const [a, b] = createPipe();
    const server = fromStreams(a.readable, a.writable, { role: 'server' });
    const writer = b.writable.getWriter();
    const reader = b.readable.getReader();
    void writer.write(clientFrame(Opcode.Continuation, 'x'));
    expect(await server.receive()).toMatchObject({
      kind: 'unexpected-continuation',
      closeCode: 1002,
    });
    const { value } = await reader.read();
    expect([...value!]).toEqual([0x88, 2, 0x03, 0xea]);
    // The server closes its side; the raw peer closes too.
    expect((await reader.read()).done).toBe(true);
    await writer.close();
    expect(await server.closed).toEqual({ type: 'close', code: 1002, reason: '', wasClean: false });
  });

  it('ping and pong events across the pipe', async () => {
    const { server, client } = pair();
    const pinged = new Promise<Uint8Array>((resolve) => server.once('ping', resolve));
    const ponged = new Promise<Uint8Array>((resolve) => client.once('pong', resolve));
    await client.ping('hi');
    expect(new TextDecoder().decode(await pinged)).toBe('hi');
    expect(new TextDecoder().decode(await ponged)).toBe('hi');
    await server.close();
  });
});
