import { isUtf8 as nodeIsUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Protocol, type ProtocolEvent, type ProtocolOptions } from '../src/index.js';
import { SocketTransport } from '../src/node/index.js';
import { clientFrame, closeCodeOf, collect, concat, Opcode, sentFrames, types } from './helpers.js';

const encoder = new TextEncoder();
/** About 2 KiB of mixed text: 1- to 4-byte sequences throughout. */
const TEXT = encoder.encode('{"name":"κόσμε добрый 世界","emoji":"😀🎉𝄞","n":[1,2,3]} '.repeat(30));

/** The first `n` bytes of TEXT, or fewer: cut on a sequence boundary. */
function textOf(n: number): Uint8Array {
  let end = n;
  while ((TEXT[end]! & 0xc0) === 0x80) end--;
  return TEXT.subarray(0, end);
}

/** A spying hook over buffer.isUtf8: counts the calls and the bytes it was asked about. */
function spy(hook: (bytes: Uint8Array) => boolean = nodeIsUtf8) {
  const seen = { calls: 0, bytes: 0 };
  const isUtf8 = (bytes: Uint8Array): boolean => {
    seen.calls++;
    seen.bytes += bytes.length;
    return hook(bytes);
  };
  return { isUtf8, seen };
}

/** `wire` in reads of `size` bytes (fresh copies: the Protocol unmasks in place). */
function reads(wire: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < wire.length; at += size) out.push(wire.slice(at, at + size));
  return out;
}

/** Each hook setting a Protocol can run with: the pure check, buffer.isUtf8, and a lying `false`. */
const HOOKS: [string, () => Pick<ProtocolOptions, 'isUtf8'>][] = [
  ['no hook (null)', () => ({ isUtf8: null })],
  ['buffer.isUtf8', () => ({ isUtf8: nodeIsUtf8 })],
  ['a hook that always says false', () => ({ isUtf8: () => false })],
];

describe('UTF-8 of text spanning reads (§8.1 fail fast), with and without a platform hook', () => {
  for (const [name, hook] of HOOKS) {
    it(`${name}: invalid UTF-8 in the middle of a long message fails with 1007 in the read that brings it`, () => {
      // 64 KiB of valid text in 4 fragments, with one invalid byte in the 3rd fragment.
      const text = new Uint8Array(64 * 1024);
      for (let at = 0; at + TEXT.length <= text.length; at += TEXT.length) text.set(TEXT, at);
      text.fill(0x20, text.length - (text.length % TEXT.length));
      for (const bad of [0xff, 0x80, 0xc0]) {
        const broken = text.slice();
        const badAt = 40_000;
        // Land on a sequence boundary, so the byte itself is what makes the text invalid.
        let at = badAt;
        while ((broken[at]! & 0xc0) === 0x80) at++;
        broken[at] = bad;
        const quarter = text.length / 4;
        const wire = concat(
          clientFrame(Opcode.Text, broken.subarray(0, quarter), { fin: false }),
          clientFrame(Opcode.Continuation, broken.subarray(quarter, 2 * quarter), { fin: false }),
          clientFrame(Opcode.Continuation, broken.subarray(2 * quarter, 3 * quarter), {
            fin: false,
          }),
          clientFrame(Opcode.Continuation, broken.subarray(3 * quarter)),
        );
        // Where the bad byte lies on the wire, past the frame headers before it.
        const wireAt = wireOffsetOf(wire, at);
        for (const size of [1000, 1024, 4096, 3333]) {
          const { protocol, events } = collect(hook());
          let failedAfter = -1;
          const chunks = reads(wire, size);
          for (let r = 0; r < chunks.length; r++) {
            protocol.receive(chunks[r]!);
            if (failedAfter === -1 && events.some((e) => e.type === 'error')) failedAfter = r;
          }
          expect(types(events)).toEqual(['error:invalid-utf8', 'close']);
          expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1007]);
          // The read holding the bad byte, not a later one, and well before the message ends.
          expect(failedAfter).toBe(Math.floor(wireAt / size));
          expect(failedAfter).toBeLessThan(chunks.length - 1);
        }
      }
    });

    it(`${name}: valid multi-byte text cut at every byte arrives intact`, () => {
      const text = textOf(700);
      const expected = new TextDecoder().decode(text);
      const wire = concat(
        clientFrame(Opcode.Text, text.subarray(0, 301), { fin: false }),
        clientFrame(Opcode.Continuation, text.subarray(301)),
      );
      const oneFrame = clientFrame(Opcode.Text, text);
      for (const bytes of [wire, oneFrame]) {
        for (let cut = 1; cut < bytes.length; cut++) {
          const { protocol, events } = collect(hook());
          protocol.receive(bytes.slice(0, cut));
          protocol.receive(bytes.slice(cut));
          expect(events).toEqual([{ type: 'text', data: expected }]);
        }
      }
    });

    it(`${name}: a message ending inside a sequence fails with 1007 at its last frame`, () => {
      const text = textOf(600);
      const cut = concat(text, Uint8Array.of(0xf0, 0x9f, 0x98));
      const wire = concat(
        clientFrame(Opcode.Text, cut.subarray(0, 400), { fin: false }),
        clientFrame(Opcode.Continuation, cut.subarray(400)),
      );
      const { protocol, events } = collect(hook());
      for (const chunk of reads(wire, 256)) protocol.receive(chunk);
      expect(types(events)).toEqual(['error:invalid-utf8', 'close']);
      expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1007]);
    });
  }

  it('property: random chunkings of valid and mutated long text give the same events with and without the hook', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: TEXT.length - 1 }), { maxLength: 2 }),
        fc.constantFrom(0x80, 0xc0, 0xed, 0xf5, 0xff),
        fc.uniqueArray(fc.integer({ min: 1, max: TEXT.length + 40 }), { maxLength: 8 }),
        fc.integer({ min: 1, max: TEXT.length - 1 }),
        (mutations, bad, cuts, split) => {
          const text = TEXT.slice();
          for (const at of mutations) text[at] = bad;
          const wire = concat(
            clientFrame(Opcode.Text, text.subarray(0, split), { fin: false }),
            clientFrame(Opcode.Continuation, text.subarray(split)),
          );
          const bounds = [0, ...cuts.filter((c) => c < wire.length).sort((a, b) => a - b)];
          bounds.push(wire.length);
          const runWith = (options: Pick<ProtocolOptions, 'isUtf8'>) => {
            const { protocol, events } = collect(options);
            const trace: string[] = [];
            for (let k = 0; k + 1 < bounds.length; k++) {
              protocol.receive(wire.slice(bounds[k], bounds[k + 1]));
              trace.push(`${k}:${types(events).join(',')}`);
            }
            return { trace, events };
          };
          const hook = spy();
          const pure = runWith({ isUtf8: null });
          const hooked = runWith({ isUtf8: hook.isUtf8 });
          expect(hooked).toEqual(pure);
          const valid = nodeIsUtf8(text);
          const expected: ProtocolEvent[] = valid
            ? [{ type: 'text', data: new TextDecoder().decode(text) }]
            : [];
          if (valid) expect(pure.events).toEqual(expected);
          else expect(types(pure.events)).toEqual(['error:invalid-utf8', 'close']);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('where the isUtf8 hook comes from', () => {
  /** A fragmented message whose pieces are large enough for the hook to be asked. */
  const wire = concat(
    clientFrame(Opcode.Text, TEXT.subarray(0, 1000), { fin: false }),
    clientFrame(Opcode.Continuation, TEXT.subarray(1000)),
  );

  function receiveWith(options: Partial<ProtocolOptions>, platform?: Partial<ProtocolOptions>) {
    const events: ProtocolEvent[] = [];
    const protocol = new Protocol(
      { role: 'server', ...options, onEvent: (event) => events.push(event) },
      platform as never,
    );
    protocol.receive(wire.slice());
    return events;
  }

  it("uses the transport's hook unless the options give their own, and none for null", () => {
    const transport = spy();
    const own = spy();
    const decoded = [{ type: 'text', data: new TextDecoder().decode(TEXT) }];
    expect(receiveWith({}, { isUtf8: transport.isUtf8 })).toEqual(decoded);
    expect(transport.seen).toEqual({ calls: 2, bytes: TEXT.length });
    expect(receiveWith({ isUtf8: own.isUtf8 }, { isUtf8: transport.isUtf8 })).toEqual(decoded);
    expect(own.seen.calls).toBe(2);
    expect(transport.seen.calls).toBe(2);
    expect(receiveWith({ isUtf8: null }, { isUtf8: transport.isUtf8 })).toEqual(decoded);
    expect(transport.seen.calls).toBe(2);
  });

  it("trusts the hook's `true`: a hook that lies lets invalid bytes it vouched for through (as U+FFFD)", () => {
    const text = textOf(600).slice();
    text[300] = 0xff;
    const broken = concat(
      clientFrame(Opcode.Text, text.subarray(0, 400), { fin: false }),
      clientFrame(Opcode.Continuation, text.subarray(400)),
    );
    const lying = collect({ isUtf8: () => true });
    lying.protocol.receive(broken.slice());
    expect(lying.events).toEqual([{ type: 'text', data: new TextDecoder().decode(text) }]);
    expect((lying.events[0] as { data: string }).data).toContain('\ufffd');
    // The same bytes with buffer.isUtf8, or without a hook: 1007.
    for (const isUtf8 of [nodeIsUtf8, null]) {
      const honest = collect({ isUtf8 });
      honest.protocol.receive(broken.slice());
      expect(types(honest.events)).toEqual(['error:invalid-utf8', 'close']);
    }
  });

  it('SocketTransport offers buffer.isUtf8', () => {
    expect(new SocketTransport({} as never).isUtf8).toBe(nodeIsUtf8);
  });

  it('rejects an isUtf8 option that is not a function or null with a TypeError', () => {
    for (const isUtf8 of [true, 'yes', 1, {}]) {
      expect(() => new Protocol({ role: 'server', isUtf8 } as never)).toThrow(TypeError);
    }
  });
});

/** The index on `wire` of the `index`-th payload byte of its frames, all with 16-bit lengths. */
function wireOffsetOf(wire: Uint8Array, index: number): number {
  let at = 0;
  let remaining = index;
  while (at < wire.length) {
    const length7 = wire[at + 1]! & 0x7f;
    const header = length7 === 126 ? 8 : length7 === 127 ? 14 : 6;
    const length =
      length7 === 126 ? (wire[at + 2]! << 8) | wire[at + 3]! : length7 === 127 ? -1 : length7;
    if (length < 0) throw new Error('64-bit lengths are not used here');
    if (remaining < length) return at + header + remaining;
    remaining -= length;
    at += header + length;
  }
  throw new Error('index past the payload');
}
