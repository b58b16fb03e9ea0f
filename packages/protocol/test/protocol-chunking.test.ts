import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Protocol, type ProtocolEvent } from '../src/index.js';
import { clientFrame, closeFrame, concat, Opcode, types } from './helpers.js';

/** A message as the model sees it, and the frames a client would send for it. */
interface Item {
  event: ProtocolEvent;
  wire: Uint8Array[];
}

const text = fc.string({ unit: 'grapheme', maxLength: 40 });
const binary = fc.uint8Array({ maxLength: 300 });

/** Splits `payload` into `cuts` fragments and puts a ping between two of them. */
function fragmented(
  opcode: number,
  payload: Uint8Array,
  cuts: number[],
  pingAt: number,
): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (payload.length + 1)))].sort((a, b) => a - b);
  const bounds = [0, ...points.filter((p) => p > 0 && p < payload.length), payload.length];
  const frames: Uint8Array[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const last = i + 2 === bounds.length;
    frames.push(
      clientFrame(
        i === 0 ? opcode : Opcode.Continuation,
        payload.subarray(bounds[i], bounds[i + 1]),
        {
          fin: last,
        },
      ),
    );
  }
  if (frames.length > 1 && pingAt % frames.length > 0) {
    frames.splice(pingAt % frames.length, 0, clientFrame(Opcode.Ping, 'between'));
  }
  return frames;
}

const item: fc.Arbitrary<Item> = fc.oneof(
  fc.tuple(text, fc.array(fc.nat(), { maxLength: 4 }), fc.nat()).map(([data, cuts, pingAt]) => ({
    event: { type: 'text', data } as ProtocolEvent,
    wire: fragmented(Opcode.Text, new TextEncoder().encode(data), cuts, pingAt),
  })),
  fc.tuple(binary, fc.array(fc.nat(), { maxLength: 4 }), fc.nat()).map(([data, cuts, pingAt]) => ({
    event: { type: 'binary', data } as ProtocolEvent,
    wire: fragmented(Opcode.Binary, data, cuts, pingAt),
  })),
  fc.uint8Array({ maxLength: 125 }).map((data) => ({
    event: { type: 'pong', data } as ProtocolEvent,
    wire: [clientFrame(Opcode.Pong, data)],
  })),
);

/** What the model expects: each item's events, pings from fragmented messages included. */
function expected(items: Item[]): unknown[] {
  const out: unknown[] = [];
  for (const it of items) {
    for (const frame of it.wire) {
      if ((frame[0]! & 0x0f) === Opcode.Ping)
        out.push({ type: 'ping', data: new TextEncoder().encode('between') });
    }
    out.push(it.event);
  }
  out.push({ type: 'close', code: 1000, reason: 'done', wasClean: true });
  return out;
}

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    if (point > start) chunks.push(bytes.slice(start, point));
    start = Math.max(start, point);
  }
  return chunks;
}

function run(chunks: Uint8Array[]): ProtocolEvent[] {
  const protocol = new Protocol({ role: 'server' });
  for (const chunk of chunks) protocol.receive(chunk);
  return protocol.takeEvents();
}

describe('any chunking gives the same events', () => {
  it('random messages, fragments and control frames in random chunks (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (items, cuts) => {
          const wire = concat(...items.flatMap((it) => it.wire), closeFrame(1000, 'done'));
          const events = run(split(wire, cuts));
          expect(events).toEqual(expected(items));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('every split point of a stream with fragments, control frames and a close', () => {
    const wire = concat(
      clientFrame(Opcode.Text, 'héllo', { fin: false }),
      clientFrame(Opcode.Ping, 'p'),
      clientFrame(Opcode.Continuation, ' wörld'),
      clientFrame(Opcode.Binary, new Uint8Array(130).fill(1)),
      closeFrame(1001, 'bye'),
    );
    const whole = run([wire.slice()]);
    expect(types(whole)).toEqual(['ping', 'text', 'binary', 'close']);
    for (let i = 1; i < wire.length; i++) {
      expect(run([wire.slice(0, i), wire.slice(i)])).toEqual(whole);
    }
    const ones = [];
    for (let i = 0; i < wire.length; i++) ones.push(wire.slice(i, i + 1));
    expect(run(ones)).toEqual(whole);
  });

  it('every split point of an invalid UTF-8 message fails with 1007 and one close', () => {
    const wire = concat(
      clientFrame(Opcode.Text, [0x61, 0xe2, 0x82], { fin: false }),
      clientFrame(Opcode.Continuation, [0x28, 0x62]),
    );
    for (let i = 1; i < wire.length; i++) {
      expect(types(run([wire.slice(0, i), wire.slice(i)]))).toEqual([
        'error:invalid-utf8',
        'close',
      ]);
    }
  });
});

describe('garbage from the peer', () => {
  it('random bytes in random chunks never throw, end with at most one close, hold at most the limit', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.boolean(),
        (garbage, cuts, asClient) => {
          const maxMessageSize = 512;
          const protocol = new Protocol({
            role: asClient ? 'client' : 'server',
            limits: { maxMessageSize, maxFragments: 16 },
          });
          for (const chunk of split(garbage, cuts)) {
            protocol.receive(chunk);
            expect(protocol.bufferedBytes).toBeLessThanOrEqual(maxMessageSize + 14 + 125);
          }
          protocol.receiveEof();
          const events = protocol.takeEvents();
          expect(events.filter((e) => e.type === 'close').length).toBe(1);
          expect(events.at(-1)!.type).toBe('close');
          expect(protocol.state).toBe('closed');
        },
      ),
      { numRuns: 500 },
    );
  });
});
