import { describe, expect, it } from 'vitest';
import { Protocol, resolveLimits } from '../src/index.js';
import { clientFrame, closeCodeOf, collect, Opcode, sentFrames, types } from './helpers.js';

/** A header announcing a masked binary frame of `length` bytes, with no payload after it. */
function hugeHeader(length: number, opcode: number = Opcode.Binary, fin = true): Uint8Array {
  const header = new Uint8Array(14);
  header[0] = (fin ? 0x80 : 0) | opcode;
  header[1] = 0x80 | 127;
  const view = new DataView(header.buffer);
  view.setUint32(2, Math.floor(length / 2 ** 32));
  view.setUint32(6, length >>> 0);
  return header;
}

describe('limits, enforced before allocation', () => {
  it('has safe defaults: 64 MiB messages, frames up to that, 8192 fragments', () => {
    expect(resolveLimits(undefined)).toEqual({
      maxMessageSize: 64 * 1024 * 1024,
      maxFrameSize: 64 * 1024 * 1024,
      maxFragments: 8192,
      maxBufferedBytes: 65 * 1024 * 1024,
    });
    expect(() => resolveLimits({ maxMessageSize: -1 })).toThrow(RangeError);
    expect(() => resolveLimits({ maxFragments: 0 })).toThrow(RangeError);
    expect(() => resolveLimits({ maxBufferedBytes: 1.5 })).toThrow(RangeError);
  });

  it('resolves the same limits object to one shared frozen result, re-read when it changed', () => {
    const limits = { maxMessageSize: 1000 };
    const first = resolveLimits(limits);
    expect(Object.isFrozen(first)).toBe(true);
    expect(resolveLimits(limits)).toBe(first);
    expect(new Protocol({ role: 'server', limits }).limits).toBe(first);
    limits.maxMessageSize = 2000;
    const second = resolveLimits(limits);
    expect(second).not.toBe(first);
    expect(second).toMatchObject({ maxMessageSize: 2000, maxFrameSize: 2000 });
    expect(first.maxMessageSize).toBe(1000);
    // An equal but different object is resolved on its own (and checked again).
    expect(resolveLimits({ maxMessageSize: 2000 })).toEqual(second);
    expect(() => resolveLimits({ ...limits, maxFragments: 0 })).toThrow(RangeError);
  });

  it('fails with 1009 on a frame header announcing more than the default limit, holding nothing', () => {
    const { protocol, events } = collect();
    protocol.receive(hugeHeader(2 ** 40));
    expect(types(events)).toEqual(['error:payload-too-large', 'close']);
    expect(events[1]).toMatchObject({ code: 1009, wasClean: false });
    expect(protocol.bufferedBytes).toBe(0);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1009]);
  });

  it('maxFrameSize bounds one frame', () => {
    const { protocol, events } = collect({ limits: { maxFrameSize: 10 } });
    protocol.receive(clientFrame(Opcode.Binary, new Uint8Array(10)));
    protocol.receive(clientFrame(Opcode.Binary, new Uint8Array(11)));
    expect(types(events)).toEqual(['binary', 'error:payload-too-large', 'close']);
  });

  it('maxMessageSize bounds the reassembled message, checked at each fragment header', () => {
    const { protocol, events } = collect({ limits: { maxMessageSize: 100 } });
    protocol.receive(clientFrame(Opcode.Binary, new Uint8Array(60), { fin: false }));
    protocol.receive(clientFrame(Opcode.Continuation, new Uint8Array(40), { fin: false }));
    expect(events).toEqual([]);
    // Only the header of the fragment that would cross the limit has arrived.
    const header = clientFrame(Opcode.Continuation, new Uint8Array(1)).subarray(0, 6);
    protocol.receive(header);
    expect(types(events)).toEqual(['error:message-too-large', 'close']);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1009]);
  });

  it('a message of exactly maxMessageSize passes', () => {
    const { protocol, events } = collect({ limits: { maxMessageSize: 100 } });
    protocol.receive(clientFrame(Opcode.Text, 'a'.repeat(50), { fin: false }));
    protocol.receive(clientFrame(Opcode.Continuation, 'b'.repeat(50)));
    expect(types(events)).toEqual(['text']);
  });

  it('maxFragments bounds the frames of one message, even empty ones', () => {
    const { protocol, events } = collect({ limits: { maxFragments: 3 } });
    protocol.receive(clientFrame(Opcode.Binary, [], { fin: false }));
    protocol.receive(clientFrame(Opcode.Continuation, [], { fin: false }));
    protocol.receive(clientFrame(Opcode.Continuation, [], { fin: false }));
    expect(events).toEqual([]);
    protocol.receive(clientFrame(Opcode.Continuation, []));
    expect(types(events)).toEqual(['error:too-many-fragments', 'close']);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1009]);
  });

  it('a flood of tiny fragments, each in its own read, pins no more than the limit', () => {
    const limit = 64 * 1024;
    const { protocol, events } = collect({
      limits: { maxMessageSize: limit, maxFragments: 1_000_000 },
    });
    protocol.receive(clientFrame(Opcode.Binary, [1], { fin: false }));
    const fragment = clientFrame(Opcode.Continuation, [2], { fin: false });
    let maxHeld = 0;
    let sent = 1;
    while (events.length === 0 && sent < 200_000) {
      protocol.receive(fragment.slice());
      sent++;
      maxHeld = Math.max(maxHeld, protocol.bufferedBytes);
    }
    expect(types(events)).toEqual(['error:message-too-large', 'close']);
    // Fails on the fragment that would make limit + 1 bytes; never held more than the limit.
    expect(sent).toBe(limit + 1);
    expect(maxHeld).toBeLessThanOrEqual(limit);
    expect(protocol.bufferedBytes).toBe(0);
  });

  it('a message in 1-byte reads is held at its exact size, not per read', () => {
    const { protocol, events } = collect();
    const wire = clientFrame(Opcode.Binary, new Uint8Array(20_000).fill(3));
    let maxHeld = 0;
    for (let i = 0; i < wire.length; i++) {
      protocol.receive(wire.slice(i, i + 1));
      maxHeld = Math.max(maxHeld, protocol.bufferedBytes);
    }
    expect(types(events)).toEqual(['binary']);
    expect(maxHeld).toBeLessThanOrEqual(20_000 + 14);
  });

  it('maxBufferedBytes bounds what one connection holds (capacity, not bytes received)', () => {
    const { protocol, events } = collect({
      limits: { maxMessageSize: 1 << 20, maxBufferedBytes: 4096 },
    });
    protocol.receive(clientFrame(Opcode.Binary, new Uint8Array(3000), { fin: false }));
    // The 3000-byte frame was allocated exactly (it was the whole frame so far).
    expect(protocol.bufferedBytes).toBeLessThanOrEqual(4096);
    protocol.receive(clientFrame(Opcode.Continuation, new Uint8Array(1000), { fin: false }));
    expect(events).toEqual([]);
    expect(protocol.bufferedBytes).toBeLessThanOrEqual(4096);
    protocol.receive(clientFrame(Opcode.Continuation, new Uint8Array(1000), { fin: false }));
    expect(types(events)).toEqual(['error:buffer-limit', 'close']);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1009]);
  });

  it('a tiny-fragment flood of text is validated and held as bytes too', () => {
    const protocol = new Protocol({ role: 'server', limits: { maxMessageSize: 1000 } });
    protocol.receive(clientFrame(Opcode.Text, 'a', { fin: false }));
    for (let i = 0; i < 999; i++)
      protocol.receive(clientFrame(Opcode.Continuation, 'b', { fin: false }));
    expect(protocol.bufferedBytes).toBeLessThanOrEqual(1024);
    protocol.receive(clientFrame(Opcode.Continuation, 'c'));
    expect(types(protocol.takeEvents())).toEqual(['error:message-too-large', 'close']);
  });
});
