import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { Protocol, type ProtocolEvent } from '../src/index.js';
import { keyBytes, unmaskCopy } from '../src/unmask-copy.js';
import { clientFrame, closeFrame, concat, Opcode, types } from './helpers.js';

/** Bytes that went through @ws/frame's maskCopy, counted by wrapping the real export. */
const copied = vi.hoisted(() => ({ bytes: 0 }));

vi.mock('@ws/frame', async (importOriginal) => {
  const frame = await importOriginal<typeof import('@ws/frame')>();
  return {
    ...frame,
    maskCopy: (...args: Parameters<typeof frame.maskCopy>) => {
      copied.bytes += args[0].length;
      frame.maskCopy(...args);
    },
  };
});

beforeEach(() => {
  copied.bytes = 0;
});

/** §5.3 byte by byte, the key packed as the decoder passes it (key[0] in the low byte). */
function reference(source: Uint8Array, key: number, phase: number): Uint8Array {
  const out = source.slice();
  for (let i = 0; i < out.length; i++) out[i]! ^= (key >>> (((phase + i) & 3) * 8)) & 0xff;
  return out;
}

function patterned(n: number, seed = 0): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = (i * 31 + seed * 7 + 7) & 0xff;
  return bytes;
}

/** Copies of each chunk: the Protocol owns (and unmasks in place) what it receives. */
function run(chunks: Uint8Array[]): ProtocolEvent[] {
  const protocol = new Protocol({ role: 'server' });
  for (const chunk of chunks) protocol.receive(chunk.slice());
  return protocol.takeEvents();
}

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    if (point > start) chunks.push(bytes.subarray(start, point));
    start = Math.max(start, point);
  }
  return chunks;
}

describe('unmaskCopy: the default kernel (@ws/frame maskCopy) with a packed key', () => {
  it('matches the byte-wise reference at every phase, offset and size around the SIMD sizes', () => {
    const key = 0x3d21fa37;
    for (const size of [0, 1, 3, 63, 64, 65, 95, 96, 97, 1024, 16_384, 16_387, 40_001]) {
      for (let phase = 0; phase < 4; phase++) {
        for (const offset of [0, 1, 5]) {
          const source = patterned(size, phase);
          const before = source.slice();
          const target = new Uint8Array(size + 12).fill(0xee);
          unmaskCopy(source, target, offset, key, phase);
          const written = target.subarray(offset, offset + size);
          expect(Buffer.compare(written, reference(source, key, phase))).toBe(0);
          // Nothing written outside the range, and the source left as it was.
          expect(target.subarray(0, offset).every((b) => b === 0xee)).toBe(true);
          expect(target.subarray(offset + size).every((b) => b === 0xee)).toBe(true);
          expect(Buffer.compare(source, before)).toBe(0);
        }
      }
    }
  });

  it('matches the reference for any key, phase, view offset and size (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 700 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 7 }),
        fc.integer({ min: 0, max: 7 }),
        (data, key, phase, sourceAt, offset) => {
          const source = new Uint8Array(data.length + sourceAt).subarray(sourceAt);
          source.set(data);
          const target = new Uint8Array(data.length + offset + 3);
          unmaskCopy(source, target, offset, key | 0, phase);
          expect(target.subarray(offset, offset + data.length)).toEqual(
            reference(data, key, phase),
          );
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keyBytes rotates the packed key to the phase', () => {
    const key = 0x3d21fa37; // bytes 37 fa 21 3d
    expect([...keyBytes(key, 0)]).toEqual([0x37, 0xfa, 0x21, 0x3d]);
    expect([...keyBytes(key, 1)]).toEqual([0xfa, 0x21, 0x3d, 0x37]);
    expect([...keyBytes(key, 3)]).toEqual([0x3d, 0x37, 0xfa, 0x21]);
  });
});

describe('a Protocol without platform hooks unmasks gathered payloads as it copies them', () => {
  const payload = patterned(300);

  it('every split point: a spanning frame and every fragment go through maskCopy, once', () => {
    const wire = concat(
      clientFrame(Opcode.Binary, payload),
      clientFrame(Opcode.Binary, payload.subarray(0, 100), { fin: false }),
      clientFrame(Opcode.Ping, 'between'),
      clientFrame(Opcode.Continuation, payload.subarray(100)),
      closeFrame(1000, 'done'),
    );
    const whole = run([wire]);
    expect(whole).toEqual([
      { type: 'binary', data: payload },
      { type: 'ping', data: new TextEncoder().encode('between') },
      { type: 'binary', data: payload },
      { type: 'close', code: 1000, reason: 'done', wasClean: true },
    ]);
    for (let i = 1; i < wire.length; i++) {
      copied.bytes = 0;
      expect(run([wire.subarray(0, i), wire.subarray(i)])).toEqual(whole);
      // The fragmented message is always copied; the first frame too when the split is inside
      // it (8: header with a 16-bit length). Each byte once: unmasked by the copy, not before.
      const splitsFirst = i > 8 && i < 8 + payload.length;
      expect(copied.bytes).toBe(payload.length * (splitsFirst ? 2 : 1));
    }
  });

  it('a frame read whole is a view unmasked in place; text is unmasked before validation', () => {
    const events = run([
      concat(
        clientFrame(Opcode.Binary, payload),
        clientFrame(Opcode.Text, 'héllo', { fin: false }),
        clientFrame(Opcode.Continuation, ' wörld'),
      ),
    ]);
    expect(events).toEqual([
      { type: 'binary', data: payload },
      { type: 'text', data: 'héllo wörld' },
    ]);
    expect(copied.bytes).toBe(0);
  });

  it('every split point of an invalid UTF-8 text message still fails with 1007', () => {
    const wire = concat(
      clientFrame(Opcode.Text, [0x61, 0xe2, 0x82], { fin: false }),
      clientFrame(Opcode.Continuation, [0x28, 0x62]),
    );
    for (let i = 1; i < wire.length; i++) {
      expect(types(run([wire.subarray(0, i), wire.subarray(i)]))).toEqual([
        'error:invalid-utf8',
        'close',
      ]);
    }
  });

  it('messages handed out stay intact while later frames are unmasked and copied', () => {
    const protocol = new Protocol({ role: 'server' });
    const big = patterned(40_000, 3);
    const wire = concat(
      clientFrame(Opcode.Binary, payload),
      clientFrame(Opcode.Binary, big),
      clientFrame(Opcode.Binary, payload.subarray(0, 64), { fin: false }),
      clientFrame(Opcode.Continuation, payload.subarray(64)),
    );
    // The first frame whole in the first read (a view of it); the big one spans three reads.
    const cuts = [304 + 5000, 304 + 20_000];
    for (const chunk of split(wire, cuts)) protocol.receive(chunk.slice());
    const events = protocol.takeEvents();
    expect(types(events)).toEqual(['binary', 'binary', 'binary']);
    const data = events.map((event) => (event as { data: Uint8Array }).data);
    // Compared as buffers: a failing toEqual would diff 40,000 elements.
    expect([data[1]!.length, Buffer.compare(data[1]!, big)]).toEqual([big.length, 0]);
    expect(data[2]).toEqual(payload);
    // The view from the first read was not touched by the copies that followed.
    expect(data[0]).toEqual(payload);
    expect(copied.bytes).toBe(big.length + payload.length);
  });

  it('random binary messages, fragments and pings in random chunks (fast-check)', () => {
    const message = fc.tuple(
      fc.uint8Array({ maxLength: 3000 }),
      fc.array(fc.nat(), { maxLength: 3 }),
      fc.boolean(),
    );
    fc.assert(
      fc.property(
        fc.array(message, { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (messages, cuts) => {
          const frames: Uint8Array[] = [];
          for (const [data, fragmentCuts, ping] of messages) {
            const bounds = [
              0,
              ...[...new Set(fragmentCuts.map((c) => c % (data.length + 1)))]
                .filter((c) => c > 0 && c < data.length)
                .sort((a, b) => a - b),
              data.length,
            ];
            for (let i = 0; i + 1 < bounds.length; i++) {
              frames.push(
                clientFrame(
                  i === 0 ? Opcode.Binary : Opcode.Continuation,
                  data.subarray(bounds[i], bounds[i + 1]),
                  { fin: i + 2 === bounds.length },
                ),
              );
              if (ping && i === 0) frames.push(clientFrame(Opcode.Ping, 'p'));
            }
          }
          const wire = concat(...frames);
          const events = run(split(wire, cuts)).filter((e) => e.type === 'binary');
          expect(events).toEqual(messages.map(([data]) => ({ type: 'binary', data })));
        },
      ),
      { numRuns: 200 },
    );
  });
});
