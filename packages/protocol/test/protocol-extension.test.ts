import { describe, expect, it } from 'vitest';
import {
  type Extension,
  type ExtensionMessage,
  Protocol,
  ProtocolError,
  type ProtocolEvent,
} from '../src/index.js';
import { clientFrame, closeCodeOf, collect, concat, Opcode, sentFrames, types } from './helpers.js';

const flip = (payload: Uint8Array): Uint8Array => payload.map((b) => b ^ 0xff);

/** A toy RSV1 extension: payloads are sent with every bit flipped (like a trivial "compression"). */
function flipExtension(delay?: () => number): Extension {
  const later = <T>(value: T): T | Promise<T> =>
    delay === undefined
      ? value
      : new Promise((resolve) => setTimeout(() => resolve(value), delay()));
  return {
    name: 'x-flip',
    rsv: 0x4,
    encode: (message: ExtensionMessage) =>
      later({ opcode: message.opcode, payload: flip(message.payload), rsv: message.rsv | 0x4 }),
    decode: (message: ExtensionMessage) => later(flip(message.payload)),
  };
}

/** Waits until `done()` holds; the long limit is only a hang guard, never a timing assertion. */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; !done() && waited < 5000; waited += 5) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('extensions (RFC 6455 §9): RSV bits and payload transforms', () => {
  it('a synchronous extension transforms both ways and sets RSV1 on the first frame only', () => {
    const server = new Protocol({ role: 'server', extensions: [flipExtension()] });
    server.sendText('abc', { fragmentSize: 2 });
    const frames = sentFrames(server);
    expect(frames.map((f) => [f.opcode, f.rsv1, f.fin])).toEqual([
      [Opcode.Text, true, false],
      [Opcode.Continuation, false, true],
    ]);
    expect([...concat(...frames.map((f) => f.payload))]).toEqual([
      ...flip(new TextEncoder().encode('abc')),
    ]);

    const { protocol, events } = collect({ extensions: [flipExtension()] });
    protocol.receive(clientFrame(Opcode.Binary, flip(new Uint8Array([1, 2])), { rsv1: true }));
    protocol.receive(clientFrame(Opcode.Binary, new Uint8Array([1, 2])));
    expect(events).toEqual([
      { type: 'binary', data: new Uint8Array([1, 2]) },
      { type: 'binary', data: new Uint8Array([1, 2]) },
    ]);
  });

  it('validates UTF-8 after decoding a transformed text message', () => {
    const { protocol, events } = collect({ extensions: [flipExtension()] });
    // On the wire the flipped bytes are not UTF-8; decoded they are.
    protocol.receive(clientFrame(Opcode.Text, flip(new TextEncoder().encode('é')), { rsv1: true }));
    expect(events).toEqual([{ type: 'text', data: 'é' }]);
    protocol.receive(clientFrame(Opcode.Text, flip(new Uint8Array([0xff])), { rsv1: true }));
    expect(types(events)).toEqual(['text', 'error:invalid-utf8', 'close']);
  });

  it('asynchronous decodes keep message order; control events and the close wait their turn', async () => {
    const delays = [25, 1, 12, 3, 8];
    let i = 0;
    const { protocol, events } = collect({
      extensions: [flipExtension(() => delays[i++ % delays.length]!)],
    });
    const wire: Uint8Array[] = [];
    const expected: ProtocolEvent[] = [];
    for (let n = 0; n < 6; n++) {
      const data = new Uint8Array([n]);
      wire.push(clientFrame(Opcode.Binary, flip(data), { rsv1: true }));
      expected.push({ type: 'binary', data });
      if (n === 2) {
        wire.push(clientFrame(Opcode.Ping, 'p'));
        expected.push({ type: 'ping', data: new TextEncoder().encode('p') });
      }
    }
    wire.push(clientFrame(Opcode.Close, [0x03, 0xe8]));
    expected.push({ type: 'close', code: 1000, reason: '', wasClean: true });
    protocol.receive(concat(...wire));
    expect(events).toEqual([]);
    expect(protocol.bufferedBytes).toBeGreaterThan(0);
    await until(() => events.length === expected.length);
    expect(events).toEqual(expected);
    expect(protocol.bufferedBytes).toBe(0);
    // The pong went out at once; the close reply too: neither is held behind decodes.
    expect(sentFrames(protocol).map((f) => f.opcode)).toEqual([Opcode.Pong, Opcode.Close]);
  });

  it('asynchronous encodes keep frame order, and a close goes after the data sent before it', async () => {
    const delays = [20, 1, 5];
    let i = 0;
    const client = new Protocol({
      role: 'client',
      extensions: [flipExtension(() => delays[i++ % delays.length]!)],
    });
    client.sendText('one');
    client.sendBinary(new Uint8Array([2]));
    client.ping('p');
    client.sendText('three');
    client.close(1000);
    expect(() => client.sendText('late')).toThrow();
    const server = collect({ extensions: [flipExtension()] });
    for (const part of client.bytesToSend()) server.protocol.receive(part);
    expect(types(server.events)).toEqual(['ping']);
    await until(() => {
      for (const part of client.bytesToSend()) server.protocol.receive(part);
      return server.events.length >= 5;
    });
    expect(server.events).toEqual([
      { type: 'ping', data: new TextEncoder().encode('p') },
      { type: 'text', data: 'one' },
      { type: 'binary', data: new Uint8Array([2]) },
      { type: 'text', data: 'three' },
      { type: 'close', code: 1000, reason: '', wasClean: true },
    ]);
  });

  it('a decode that returns an error value fails with its close code', () => {
    const extension: Extension = {
      name: 'x-strict',
      rsv: 0x4,
      encode: (m) => m,
      decode: () => new ProtocolError('extension-failed', 'corrupt data'),
    };
    const { protocol, events } = collect({ extensions: [extension] });
    protocol.receive(clientFrame(Opcode.Binary, [1], { rsv1: true }));
    expect(types(events)).toEqual(['error:extension-failed', 'close']);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1007]);
  });

  it('an extension that throws or rejects fails with 1011, never an exception', async () => {
    const throwing: Extension = {
      name: 'x-throw',
      rsv: 0x4,
      encode: () => {
        throw new Error('boom');
      },
      decode: () => Promise.reject(new Error('boom')),
    };
    const { protocol, events } = collect({ extensions: [throwing] });
    protocol.receive(clientFrame(Opcode.Binary, [1], { rsv1: true }));
    await until(() => events.length >= 2);
    expect(types(events)).toEqual(['error:internal-error', 'close']);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1011]);

    const sender = collect({ role: 'client', extensions: [throwing] });
    expect(() => sender.protocol.sendText('x')).not.toThrow();
    expect(types(sender.events)).toEqual(['error:internal-error', 'close']);
  });

  it('messages held behind a slow decode count against maxBufferedBytes', () => {
    const { protocol, events } = collect({
      extensions: [flipExtension(() => 1000)],
      limits: { maxBufferedBytes: 1000 },
    });
    for (let n = 0; n < 5 && events.length === 0; n++) {
      protocol.receive(clientFrame(Opcode.Binary, new Uint8Array(300), { rsv1: true }));
    }
    expect(types(events)).toEqual(['error:buffer-limit', 'close']);
    expect(protocol.bufferedBytes).toBeLessThanOrEqual(1000);
  });

  it('a ping flood behind a slow decode is bounded by maxBufferedBytes too', () => {
    const { protocol, events } = collect({
      extensions: [flipExtension(() => 1000)],
      limits: { maxBufferedBytes: 10_000 },
    });
    protocol.receive(clientFrame(Opcode.Binary, new Uint8Array(10), { rsv1: true }));
    let pings = 0;
    while (events.length === 0 && pings < 10_000) {
      protocol.receive(clientFrame(Opcode.Ping, new Uint8Array(100)));
      pings++;
    }
    expect(types(events)).toEqual(['error:buffer-limit', 'close']);
    expect(pings).toBeLessThan(100);
  });

  it('rejects an extension claiming bits outside RSV1–3', () => {
    expect(
      () => new Protocol({ role: 'server', extensions: [{ ...flipExtension(), rsv: 8 }] }),
    ).toThrow(RangeError);
  });
});
