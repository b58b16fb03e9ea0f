import { afterEach, describe, expect, it } from 'vitest';
import type { ServerConnection, WebSocketServer } from '../src/index.js';
import { listen, Opcode, type RawClient, rawClient, text } from './helpers.js';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((wss) => wss.terminate()));
});

async function setup(count: number, options: Parameters<typeof listen>[0] = {}) {
  const { wss, port } = await listen(options);
  servers.push(wss);
  const connections: ServerConnection[] = [];
  wss.on('connection', (connection) => connections.push(connection));
  const clients: RawClient[] = [];
  for (let i = 0; i < count; i++) clients.push((await rawClient(port)).client);
  return { wss, connections, clients };
}

/** Records what each server-side socket is asked to write. */
function spyWrites(connections: ServerConnection[]): unknown[][] {
  return connections.map((connection) => {
    const written: unknown[] = [];
    const socket = connection.socket;
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((chunk: unknown, ...rest: unknown[]) => {
      written.push(chunk);
      return write(chunk, ...rest);
    }) as typeof socket.write;
    return written;
  });
}

describe('broadcast', () => {
  it('encodes a small message once: every socket gets the same buffer', async () => {
    const { wss, connections, clients } = await setup(3);
    const writes = spyWrites(connections);
    expect(wss.broadcast('hello all')).toBe(3);
    expect(writes.map((w) => w.length)).toEqual([1, 1, 1]);
    expect(writes[1]![0]).toBe(writes[0]![0]);
    expect(writes[2]![0]).toBe(writes[0]![0]);
    for (const client of clients) {
      const [frame] = await client.waitFrames(1);
      expect(frame!.opcode).toBe(Opcode.Text);
      expect(text(frame!)).toBe('hello all');
    }
  });

  it('sends a large message as one shared header and the caller’s payload, never copied', async () => {
    const { wss, connections, clients } = await setup(2);
    const writes = spyWrites(connections);
    const payload = new Uint8Array(100_000).map((_, i) => i & 0xff);
    expect(wss.broadcast(payload)).toBe(2);
    expect(writes[0]).toHaveLength(2);
    expect(writes[1]![0]).toBe(writes[0]![0]);
    expect(writes[0]![1]).toBe(payload);
    expect(writes[1]![1]).toBe(payload);
    for (const client of clients) {
      const [frame] = await client.waitFrames(1);
      expect(frame!.opcode).toBe(Opcode.Binary);
      expect(Buffer.compare(frame!.payload, payload)).toBe(0);
    }
  });

  it('applies the filter and returns how many clients it wrote to', async () => {
    const { wss, connections, clients } = await setup(3);
    const sender = connections[0]!;
    expect(wss.broadcast('not to sender', (c) => c !== sender)).toBe(2);
    for (const client of clients.slice(1))
      expect(text((await client.waitFrames(1))[0]!)).toBe('not to sender');
    // A second broadcast to everyone: the sender's first frame must be this one.
    expect(wss.broadcast('to all')).toBe(3);
    const [first] = await clients[0]!.waitFrames(1);
    expect(text(first!)).toBe('to all');
  });

  it('keeps order with messages queued on the same connection in the same tick', async () => {
    const { wss, connections, clients } = await setup(1);
    const connection = connections[0]!;
    void connection.sendText('first');
    wss.broadcast('second');
    void connection.sendText('third');
    wss.broadcast('fourth');
    const frames = await clients[0]!.waitFrames(4);
    expect(frames.map(text)).toEqual(['first', 'second', 'third', 'fourth']);
  });

  it('skips a client that does not read: its queue stays bounded while others get everything', async () => {
    const limit = 256 * 1024;
    const { wss, connections, clients } = await setup(2, { maxBufferedAmount: limit });
    const [fast, slow] = clients as [RawClient, RawClient];
    slow.socket.pause();
    const slowConnection = connections[1]!;
    const payload = new Uint8Array(64 * 1024);
    const rounds = 600; // 38 MiB: far more than the kernel's socket buffers hold
    let skipped = 0;
    let peak = 0;
    for (let i = 0; i < rounds; i++) {
      const sent = wss.broadcast(payload);
      skipped += 2 - sent;
      peak = Math.max(peak, slowConnection.bufferedAmount);
      await fast.waitFrames(i + 1);
    }
    expect(fast.frames).toHaveLength(rounds);
    expect(skipped).toBeGreaterThan(0);
    // Never more than the limit plus the one frame that crossed it.
    expect(peak).toBeLessThanOrEqual(limit + payload.length + 14);
    expect(slowConnection.readyState).toBe('open');
  });

  it("slowClients: 'terminate' drops a client over the limit", async () => {
    const { wss, connections, clients } = await setup(1, {
      maxBufferedAmount: 0,
      slowClients: 'terminate',
    });
    clients[0]!.socket.pause();
    const payload = new Uint8Array(32 * 1024 * 1024);
    expect(wss.broadcast(payload)).toBe(1);
    // The 32 MiB cannot all fit in socket buffers: the next broadcast finds the client over the limit.
    expect(connections[0]!.bufferedAmount).toBeGreaterThan(0);
    expect(wss.broadcast(payload)).toBe(0);
    expect((await connections[0]!.closed).code).toBe(1006);
    expect(wss.clients.size).toBe(0);
  });

  it('throws at once for data that is not a string or bytes, even with no clients', async () => {
    const { wss } = await setup(0);
    expect(() => wss.broadcast(42 as never)).toThrow(TypeError);
    expect(() => wss.broadcast('x', 'all' as never)).toThrow(TypeError);
    expect(wss.broadcast('nobody here')).toBe(0);
  });

  it('skips connections that are closing', async () => {
    const { wss, connections } = await setup(2);
    void connections[0]!.close();
    expect(wss.broadcast('x')).toBe(1);
  });
});
