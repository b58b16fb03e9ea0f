import { describe, expect, it } from 'vitest';
import { FrameWriter } from '../src/frame-writer.js';
import { Emitter } from '../src/index.js';
import { MessageBuffer } from '../src/message-buffer.js';

describe('Emitter', () => {
  class Test extends Emitter<{ a: (n: number) => void }> {
    fire(n: number) {
      this.emit('a', n);
    }
  }

  it('calls listeners in order; off and once work, also during an emit', () => {
    const t = new Test();
    const seen: string[] = [];
    const second = (n: number) => seen.push(`second ${n}`);
    t.on('a', (n) => {
      seen.push(`first ${n}`);
      t.off('a', second);
    });
    t.on('a', second);
    t.once('a', (n) => seen.push(`once ${n}`));
    t.fire(1);
    t.fire(2);
    expect(seen).toEqual(['first 1', 'second 1', 'once 1', 'first 2']);
    expect(t.listenerCount('a')).toBe(1);
    expect(() => t.on('a', 5 as unknown as () => void)).toThrow(TypeError);
  });
});

describe('FrameWriter', () => {
  const noKeys = { next() {} };

  it('keeps no output buffer between batches and sizes the next batch from the last', () => {
    const writer = new FrameWriter(false, noKeys, { outputReady() {} });
    for (let i = 0; i < 100; i++) writer.frame(2, new Uint8Array(30), true, 0, false);
    const parts = writer.take();
    expect(parts.length).toBe(1);
    expect(parts[0]!.length).toBe(3200);
    expect(writer.pendingBytes).toBe(0);
    writer.frame(2, new Uint8Array(1), true, 0, false);
    // The batch after a 3200-byte one is allocated at that size.
    expect(writer.take()[0]!.buffer.byteLength).toBe(3200);
    for (let i = 0; i < 10_000; i++) writer.frame(2, new Uint8Array(30), true, 0, false);
    // Up to 64 KiB per buffer, then a new one.
    expect(writer.take().map((p) => p.length)).toEqual([65_536, 65_536, 65_536, 65_536, 57_856]);
  });

  it('writes 16-bit and 64-bit lengths in their minimal form (§5.2)', () => {
    const writer = new FrameWriter(false, noKeys, { outputReady() {} });
    writer.frame(2, new Uint8Array(126), true, 0, false);
    writer.frame(2, new Uint8Array(65_536), true, 0, false);
    const [first, payload] = writer.take();
    expect([...first!.subarray(0, 4)]).toEqual([0x82, 126, 0, 126]);
    expect([...first!.subarray(130, 140)]).toEqual([0x82, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
    expect(payload!.length).toBe(65_536);
  });

  it('falls back when asciiFrame meets a non-ASCII character, writing nothing', () => {
    const writer = new FrameWriter(false, noKeys, { outputReady() {} });
    expect(writer.asciiFrame(1, 'ab€', true)).toBe(false);
    expect(writer.pendingBytes).toBe(0);
    expect(writer.take()).toEqual([]);
  });
});

describe('MessageBuffer', () => {
  it('allocates exactly for a known size, doubles (bounded by the limit) otherwise', () => {
    const buffer = new MessageBuffer();
    expect(buffer.capacityFor(10, true, 100)).toBe(10);
    expect(buffer.capacityFor(10, false, 100)).toBe(100);
    expect(buffer.capacityFor(10, false, 5000)).toBe(1024);
    buffer.grow(1024);
    buffer.append(new Uint8Array([1, 2, 3]));
    expect(buffer.capacityFor(2000, false, 1 << 20)).toBe(2048);
    expect(buffer.capacityFor(5000, false, 1 << 20)).toBe(5003);
    buffer.grow(2048);
    expect([...buffer.take()]).toEqual([1, 2, 3]);
    expect(buffer.capacity).toBe(0);
  });
});
