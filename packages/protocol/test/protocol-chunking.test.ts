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

/** §5.3 byte by byte, the key packed as the decoder passes it (key[0] in the low byte). */
function keyByte(key: number, index: number): number {
  return (key >>> ((index & 3) * 8)) & 0xff;
}

/** Platform hooks written the slow, obvious way, counting the bytes each one handles. */
function referenceHooks() {
  const counts = { unmask: 0, unmaskCopy: 0 };
  return {
    counts,
    unmask(data: Uint8Array, key: number, phase: number): boolean {
      for (let i = 0; i < data.length; i++) data[i]! ^= keyByte(key, phase + i);
      counts.unmask += data.length;
      return true;
    },
    unmaskCopy(
      source: Uint8Array,
      target: Uint8Array,
      offset: number,
      key: number,
      phase: number,
    ): void {
      for (let i = 0; i < source.length; i++)
        target[offset + i] = source[i]! ^ keyByte(key, phase + i);
      counts.unmaskCopy += source.length;
    },
  };
}

/** Without platform hooks, and with an unmask-while-copying kernel (unmaskCopy). */
const MODES = ['built-in unmask', 'unmaskCopy'] as const;
type Mode = (typeof MODES)[number];

function run(chunks: Uint8Array[], mode: Mode = 'built-in unmask'): ProtocolEvent[] {
  const protocol = new Protocol(
    mode === 'unmaskCopy' ? { role: 'server', ...referenceHooks() } : { role: 'server' },
  );
  for (const chunk of chunks) protocol.receive(chunk);
  return protocol.takeEvents();
}

describe.each(MODES)('any chunking gives the same events (%s)', (mode) => {
  it('random messages, fragments and control frames in random chunks (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 12 }),
        fc.array(fc.nat(), { maxLength: 30 }),
        (items, cuts) => {
          const wire = concat(...items.flatMap((it) => it.wire), closeFrame(1000, 'done'));
          const events = run(split(wire, cuts), mode);
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
    const whole = run([wire.slice()], mode);
    expect(types(whole)).toEqual(['ping', 'text', 'binary', 'close']);
    for (let i = 1; i < wire.length; i++) {
      expect(run([wire.slice(0, i), wire.slice(i)], mode)).toEqual(whole);
    }
    const ones = [];
    for (let i = 0; i < wire.length; i++) ones.push(wire.slice(i, i + 1));
    expect(run(ones, mode)).toEqual(whole);
  });

  it('every split point of an invalid UTF-8 message fails with 1007 and one close', () => {
    const wire = concat(
      clientFrame(Opcode.Text, [0x61, 0xe2, 0x82], { fin: false }),
      clientFrame(Opcode.Continuation, [0x28, 0x62]),
    );
    for (let i = 1; i < wire.length; i++) {
      expect(types(run([wire.slice(0, i), wire.slice(i)], mode))).toEqual([
        'error:invalid-utf8',
        'close',
      ]);
    }
  });
});

describe('unmaskCopy: a gathered payload is unmasked as it is copied', () => {
  const payload = new Uint8Array(300).map((_, i) => (i * 31 + 7) & 0xff);

  it('every split point of a binary frame and a fragmented message, pings between', () => {
    const wire = concat(
      clientFrame(Opcode.Binary, payload),
      clientFrame(Opcode.Binary, payload.subarray(0, 100), { fin: false }),
      clientFrame(Opcode.Ping, 'between'),
      clientFrame(Opcode.Continuation, payload.subarray(100)),
      closeFrame(1000, 'done'),
    );
    const expectedEvents = run([wire.slice()]);
    expect(types(expectedEvents)).toEqual(['binary', 'ping', 'binary', 'close']);
    for (let i = 1; i < wire.length; i++) {
      const hooks = referenceHooks();
      const protocol = new Protocol({ role: 'server', ...hooks });
      protocol.receive(wire.slice(0, i));
      protocol.receive(wire.slice(i));
      expect(protocol.takeEvents()).toEqual(expectedEvents);
      // The fragmented message is always copied, so always unmasked while copying; the first
      // frame too when the split falls inside it.
      const splitsFirst = i > 8 && i < 8 + payload.length; // 8: header with a 16-bit length
      expect(hooks.counts.unmaskCopy).toBe(payload.length * (splitsFirst ? 2 : 1));
    }
  });

  it('leaves a frame handed out as a view, control frames and text to the in-place unmask', () => {
    const hooks = referenceHooks();
    const protocol = new Protocol({ role: 'server', ...hooks });
    protocol.receive(
      concat(
        clientFrame(Opcode.Binary, payload),
        clientFrame(Opcode.Text, 'héllo', { fin: false }),
        clientFrame(Opcode.Ping, 'p'),
        clientFrame(Opcode.Continuation, ' wörld'),
      ),
    );
    expect(protocol.takeEvents()).toEqual([
      { type: 'binary', data: payload },
      { type: 'ping', data: new TextEncoder().encode('p') },
      { type: 'text', data: 'héllo wörld' },
    ]);
    expect(hooks.counts.unmaskCopy).toBe(0);
  });

  it('a listener that feeds another Protocol from inside receive() leaves both correct', () => {
    const inner = new Protocol({ role: 'server', ...referenceHooks() });
    const innerWire = concat(
      clientFrame(Opcode.Binary, payload.subarray(0, 50), { fin: false }),
      clientFrame(Opcode.Continuation, payload.subarray(50)),
    );
    const outer = new Protocol({
      role: 'server',
      ...referenceHooks(),
      onEvent: (event) => {
        // Half of the inner message now, the rest after the outer frame below resumed.
        if (event.type === 'ping') inner.receive(innerWire.slice(0, 60));
        if (event.type === 'binary') inner.receive(innerWire.slice(60));
        outerEvents.push(event);
      },
    });
    const outerEvents: ProtocolEvent[] = [];
    const first = clientFrame(Opcode.Binary, payload.subarray(0, 120), { fin: false });
    const rest = clientFrame(Opcode.Continuation, payload.subarray(120));
    outer.receive(concat(first.subarray(0, 70)));
    outer.receive(concat(first.subarray(70), clientFrame(Opcode.Ping, 'x'), rest));
    expect(outerEvents).toEqual([
      { type: 'ping', data: new TextEncoder().encode('x') },
      { type: 'binary', data: payload },
    ]);
    expect(inner.takeEvents()).toEqual([{ type: 'binary', data: payload }]);
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
