import { decodeFrames } from '@ws/frame';
import { describe, expect, it } from 'vitest';
import {
  Connection,
  ConnectionClosedError,
  Protocol,
  type Transport,
  type TransportController,
} from '../src/index.js';
import { clientFrame, closeFrame, concat, Opcode } from './helpers.js';

/** A Transport that records what the Connection does; the test plays the peer. */
class FakeTransport implements Transport {
  controller!: TransportController;
  writes: Uint8Array[][] = [];
  bufferedAmount = 0;
  paused = false;
  ended = false;
  destroyed = false;
  start(controller: TransportController): void {
    this.controller = controller;
  }
  write(parts: readonly Uint8Array[]): void {
    this.writes.push([...parts]);
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  end(): void {
    this.ended = true;
  }
  destroy(): void {
    this.destroyed = true;
    queueMicrotask(() => this.controller.closed());
  }
  /** Confirms every write so far, like a socket's write callbacks. */
  flushWrites(): void {
    for (let i = 0; i < this.writes.length; i++) this.controller.written();
  }
  written(): Uint8Array {
    return concat(...this.writes.flat());
  }
}

function setup(options = {}) {
  const transport = new FakeTransport();
  const conn = new Connection(transport, { role: 'server', ...options });
  return { transport, conn };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('Connection over a Transport', () => {
  it('sends everything produced in one tick in one write, and settles the sends together', async () => {
    const { transport, conn } = setup();
    const sends = [conn.sendText('a'), conn.sendText('b'), conn.sendBinary(new Uint8Array(3))];
    expect(sends[0]).toBe(sends[1]);
    expect(transport.writes.length).toBe(0);
    await Promise.resolve();
    expect(transport.writes.length).toBe(1);
    expect(transport.writes[0]!.length).toBe(1);
    let settled = false;
    void sends[0]!.then(() => (settled = true));
    await tick();
    expect(settled).toBe(false);
    transport.controller.written();
    await tick();
    expect(settled).toBe(true);
  });

  it('answers everything in one read with one write (pongs and replies from listeners)', () => {
    const { transport, conn } = setup();
    conn.on('message', (message) => {
      if (message.type === 'text') void conn.sendText(message.data.toUpperCase());
    });
    transport.controller.data(
      concat(
        clientFrame(Opcode.Text, 'a'),
        clientFrame(Opcode.Ping, 'p'),
        clientFrame(Opcode.Text, 'b'),
      ),
    );
    expect(transport.writes.length).toBe(1);
    expect([...transport.written()]).toEqual([0x81, 1, 65, 0x8a, 1, 112, 0x81, 1, 66]);
  });

  it('receive() returns queued messages in order, then the close', async () => {
    const { transport, conn } = setup();
    transport.controller.data(
      concat(clientFrame(Opcode.Text, 'one'), clientFrame(Opcode.Binary, [2])),
    );
    expect(await conn.receive()).toEqual({ type: 'text', data: 'one' });
    expect(await conn.receive()).toEqual({ type: 'binary', data: new Uint8Array([2]) });
    const pending = conn.receive();
    transport.controller.data(closeFrame(1000, 'bye'));
    expect(await pending).toEqual({ type: 'close', code: 1000, reason: 'bye', wasClean: true });
    expect(await conn.receive()).toMatchObject({ type: 'close' });
    // The server closes the transport first after the handshake (§7.1.1).
    expect(transport.ended).toBe(true);
  });

  it('a protocol error is a value from receive(), then the close; never a rejection', async () => {
    const { transport, conn } = setup();
    const errors: unknown[] = [];
    conn.on('error', (error) => errors.push(error));
    const first = conn.receive();
    transport.controller.data(clientFrame(Opcode.Continuation, 'x'));
    const result = await first;
    expect(result).toMatchObject({
      name: 'ProtocolError',
      kind: 'unexpected-continuation',
      closeCode: 1002,
    });
    expect(errors).toEqual([result]);
    expect(await conn.receive()).toEqual({
      type: 'close',
      code: 1002,
      reason: '',
      wasClean: false,
    });
    expect(transport.ended).toBe(true);
  });

  it('every pending receive() settles when the transport closes', async () => {
    const { transport, conn } = setup();
    const pending = [conn.receive(), conn.receive()];
    transport.controller.closed();
    const close = { type: 'close', code: 1006, reason: '', wasClean: false };
    expect(await Promise.all(pending)).toEqual([close, close]);
    expect(await conn.closed).toEqual(close);
    expect(conn.readyState).toBe('closed');
  });

  it('for await yields messages and ends at the close', async () => {
    const { transport, conn } = setup();
    transport.controller.data(
      concat(clientFrame(Opcode.Text, 'a'), clientFrame(Opcode.Text, 'b'), closeFrame(1000)),
    );
    const seen: string[] = [];
    for await (const message of conn) seen.push(String(message.data));
    expect(seen).toEqual(['a', 'b']);
  });

  it('pauses reading at readHighWaterMark and resumes when drained below half', async () => {
    const { transport, conn } = setup({ readHighWaterMark: 1500 });
    // slice(): a buffer of exactly the frame (encodeFrame may hand out pooled views).
    const chunk = () => clientFrame(Opcode.Binary, new Uint8Array(400)).slice();
    transport.controller.data(chunk());
    transport.controller.data(chunk());
    expect(transport.paused).toBe(false);
    transport.controller.data(chunk());
    expect(transport.paused).toBe(true);
    await conn.receive();
    expect(transport.paused).toBe(true);
    await conn.receive();
    expect(transport.paused).toBe(false);
  });

  it('charges a waiting view for the whole read buffer it keeps alive', () => {
    const { transport } = setup({ readHighWaterMark: 10_000 });
    // A 20,000-byte read: one 1-byte message, then pings (which are not kept).
    const pings = Array.from({ length: 152 }, () => clientFrame(Opcode.Ping, new Uint8Array(125)));
    const read = concat(
      clientFrame(Opcode.Binary, [1]),
      ...pings,
      clientFrame(Opcode.Ping, new Uint8Array(75)),
    );
    expect(read.length).toBe(20_000);
    transport.controller.data(read);
    // Counted by payload the message would be 1 byte; it keeps 20,000 alive.
    expect(transport.paused).toBe(true);
  });

  it('a flood of tiny messages, each in its own read, is charged what it holds, not its payload', () => {
    const { transport } = setup({ readHighWaterMark: 10_000 });
    let sent = 0;
    while (!transport.paused && sent < 10_000) {
      transport.controller.data(clientFrame(Opcode.Binary, [sent & 0xff]).slice());
      sent++;
    }
    // About 240 bytes of heap per message (measured): paused after ~40, not after 10,000 bytes.
    expect(sent).toBeLessThanOrEqual(10_000 / 240 + 1);
  });

  it("with 'message' listeners, messages go to them (queued ones first), not to receive()", async () => {
    const { transport, conn } = setup();
    transport.controller.data(clientFrame(Opcode.Text, 'early'));
    const seen: string[] = [];
    conn.on('message', (message) => seen.push(String(message.data)));
    transport.controller.data(clientFrame(Opcode.Text, 'late'));
    await Promise.resolve();
    expect(seen).toEqual(['early', 'late']);
  });

  it('emits ping and pong events', () => {
    const { transport, conn } = setup();
    const seen: string[] = [];
    conn.on('ping', (data) => seen.push(`ping:${data.length}`));
    conn.on('pong', (data) => seen.push(`pong:${data.length}`));
    transport.controller.data(
      concat(clientFrame(Opcode.Ping, 'ab'), clientFrame(Opcode.Pong, 'c')),
    );
    expect(seen).toEqual(['ping:2', 'pong:1']);
  });

  it('sends after close reject with ConnectionClosedError and never go unhandled', async () => {
    const { conn } = setup();
    void conn.close();
    // Fire and forget: vitest fails the run on an unhandled rejection.
    void conn.sendText('dropped?');
    await expect(conn.sendBinary(new Uint8Array(1))).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(conn.ping()).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(() => conn.sendText(5 as unknown as string)).toThrow(TypeError);
  });

  it('sends waiting for their write reject with ConnectionClosedError when the transport closes', async () => {
    const { transport, conn } = setup();
    const written = conn.sendText('a');
    await tick();
    expect(transport.writes.length).toBe(1);
    const queued = conn.sendText('b');
    transport.controller.closed();
    await expect(written).rejects.toBeInstanceOf(ConnectionClosedError);
    await expect(queued).rejects.toBeInstanceOf(ConnectionClosedError);
    expect(await conn.closed).toMatchObject({ code: 1006 });
  });

  it("writes only the written range of the transport's uninitialized output buffers", async () => {
    // Buffers full of stale bytes, as Node's Buffer.allocUnsafe may return: none may leak.
    const allocated: number[] = [];
    const transport = new FakeTransport();
    Object.assign(transport, {
      allocateOutput: (size: number) => {
        allocated.push(size);
        return new Uint8Array(size).fill(0xee);
      },
    });
    const server = new Connection(transport, { role: 'server' });
    for (let i = 0; i < 40; i++) void server.sendText(`m${i}`.repeat(i));
    void server.sendBinary(new Uint8Array(20_000).fill(7));
    await tick();
    expect(allocated.length).toBeGreaterThan(1);
    const frames = decodeFrames(transport.written(), { role: 'client' });
    if (!Array.isArray(frames)) throw frames;
    expect(frames.length).toBe(41);
    expect(frames.slice(0, 40).map((f) => new TextDecoder().decode(f.payload))).toEqual(
      Array.from({ length: 40 }, (_, i) => `m${i}`.repeat(i)),
    );
    expect(frames[40]!.payload.every((byte) => byte === 7)).toBe(true);
  });

  it("uses the transport's unmask and unmaskCopy hooks unless the options give their own", () => {
    const used: string[] = [];
    const hooks = (name: string) => ({
      unmask: (data: Uint8Array, key: number, phase: number) => {
        used.push(`${name}.unmask`);
        for (let i = 0; i < data.length; i++) data[i]! ^= (key >>> (((phase + i) & 3) * 8)) & 0xff;
        return true;
      },
      unmaskCopy: (s: Uint8Array, t: Uint8Array, o: number, key: number, phase: number) => {
        used.push(`${name}.unmaskCopy`);
        for (let i = 0; i < s.length; i++)
          t[o + i] = s[i]! ^ ((key >>> (((phase + i) & 3) * 8)) & 0xff);
      },
    });
    const payload = new Uint8Array(200).map((_, i) => i);
    const wire = clientFrame(Opcode.Binary, payload);
    for (const own of [false, true]) {
      used.length = 0;
      const transport = Object.assign(new FakeTransport(), hooks('transport'));
      const conn = new Connection(transport, {
        role: 'server',
        ...(own ? hooks('options') : {}),
      });
      const messages: unknown[] = [];
      conn.on('message', (m) => messages.push(m));
      // Split inside the payload: gathered, so unmasked while copied.
      transport.controller.data(wire.slice(0, 50));
      transport.controller.data(wire.slice(50));
      expect(messages).toEqual([{ type: 'binary', data: payload }]);
      const who = own ? 'options' : 'transport';
      expect(used).toEqual([`${who}.unmaskCopy`, `${who}.unmaskCopy`]);
    }
  });

  it('a client masks a large payload into an output buffer, fully overwritten', () => {
    const protocol = new Protocol({
      role: 'client',
      allocateOutput: (size) => new Uint8Array(size).fill(0xee),
    });
    const payload = new Uint8Array(70_000).map((_, i) => i & 0xff);
    protocol.sendBinary(payload);
    const out = concat(...protocol.bytesToSend());
    const frames = decodeFrames(out, { role: 'server', maxPayloadLength: 1 << 20 });
    if (!Array.isArray(frames)) throw frames;
    expect(frames.length).toBe(1);
    expect(Buffer.compare(frames[0]!.payload, payload)).toBe(0);
    expect(payload[1]).toBe(1);
  });

  it('close() with no code sends an empty Close frame; close(1000) sends 1000', async () => {
    const a = setup();
    void a.conn.close();
    await tick();
    expect([...a.transport.written()]).toEqual([0x88, 0x00]);
    const b = setup();
    void b.conn.close(1000);
    await tick();
    expect([...b.transport.written()]).toEqual([0x88, 0x02, 0x03, 0xe8]);
  });

  it('close() validates at once and settles when the transport closed', async () => {
    const { transport, conn } = setup();
    expect(() => conn.close(1005)).toThrow(RangeError);
    const closing = conn.close(1000, 'done');
    await tick();
    expect(conn.readyState).toBe('closing');
    transport.controller.data(closeFrame(1000));
    expect(transport.ended).toBe(true);
    transport.controller.closed();
    expect(await closing).toEqual({ type: 'close', code: 1000, reason: '', wasClean: true });
  });

  it('destroys the transport when the peer does not answer the close in closeTimeout', async () => {
    const { transport, conn } = setup({ closeTimeout: 20 });
    const close = await conn.close();
    expect(transport.destroyed).toBe(true);
    expect(close).toEqual({ type: 'close', code: 1006, reason: '', wasClean: false });
  });

  it('terminate() destroys at once: 1006', async () => {
    const { transport, conn } = setup();
    const events: unknown[] = [];
    conn.on('close', (close) => events.push(close));
    conn.terminate();
    expect(transport.destroyed).toBe(true);
    await conn.closed;
    expect(events).toEqual([{ type: 'close', code: 1006, reason: '', wasClean: false }]);
  });

  it('emits drain once bufferedAmount falls back under highWaterMark', async () => {
    const { transport, conn } = setup({ highWaterMark: 100 });
    let drains = 0;
    conn.on('drain', () => drains++);
    void conn.sendBinary(new Uint8Array(500));
    transport.bufferedAmount = 502;
    await Promise.resolve();
    expect(conn.bufferedAmount).toBe(502);
    transport.controller.drain();
    expect(drains).toBe(0);
    transport.bufferedAmount = 0;
    transport.controller.drain();
    expect(drains).toBe(1);
  });

  it('while the transport is over highWaterMark, pings get one pong, sent after drain', () => {
    const { transport, conn } = setup({ highWaterMark: 100 });
    void conn.sendBinary(new Uint8Array(500));
    transport.bufferedAmount = 502;
    transport.controller.data(clientFrame(Opcode.Ping, 'first'));
    expect(conn.protocol.writeBlocked).toBe(true);
    const writes = transport.writes.length;
    for (let i = 0; i < 100; i++) transport.controller.data(clientFrame(Opcode.Ping, `p${i}`));
    expect(transport.writes.length).toBe(writes);
    transport.bufferedAmount = 0;
    transport.controller.drain();
    expect(conn.protocol.writeBlocked).toBe(false);
    return Promise.resolve().then(() => {
      expect(transport.writes.length).toBe(writes + 1);
      expect([...transport.writes.at(-1)![0]!]).toEqual([
        0x8a,
        3,
        ...new TextEncoder().encode('p99'),
      ]);
    });
  });

  it('a throwing listener does not break the connection', async () => {
    const { transport, conn } = setup();
    const reported: unknown[] = [];
    const original = globalThis.queueMicrotask;
    globalThis.queueMicrotask = (task) =>
      original(() => {
        try {
          task();
        } catch (error) {
          reported.push(error);
        }
      });
    try {
      conn.on('message', () => {
        throw new Error('listener bug');
      });
      transport.controller.data(
        concat(clientFrame(Opcode.Text, 'a'), clientFrame(Opcode.Ping, 'p')),
      );
      await Promise.resolve();
    } finally {
      globalThis.queueMicrotask = original;
    }
    expect(reported.map((e) => (e as Error).message)).toEqual(['listener bug']);
    expect(transport.written()[0]).toBe(0x8a);
    expect(conn.readyState).toBe('open');
  });
});
