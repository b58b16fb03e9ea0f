import { Buffer } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrames, FrameDecoder, type FrameDecoderOptions } from '../src/decoder.js';
import { encodeFrame } from '../src/encoder.js';
import { FRAME_ERROR_CLOSE_CODES, FrameError, type FrameErrorKind } from '../src/errors.js';
import type { Frame, FrameHeader } from '../src/frame.js';
import { concat, hex, KEY, referenceEncode, rfcVectors, text } from './vectors.js';

/** A frame with its payload as base64: deep-comparing 64 KiB typed arrays is very slow. */
type Normal = Omit<Frame, 'payload'> & { payload: string };
const norm = (f: Frame): Normal => ({ ...f, payload: Buffer.from(f.payload).toString('base64') });
const normAll = (r: Frame[] | FrameError) => (r instanceof FrameError ? r : r.map(norm));

type Event =
  | { type: 'frame'; frame: Normal }
  | { type: 'start'; header: FrameHeader }
  | { type: 'data'; data: Uint8Array; last: boolean }
  | { type: 'error'; kind: FrameErrorKind; closeCode: number; fatal: boolean };

/** Pushes copies of `chunks` (the decoder unmasks in place) and records every callback. */
function run(
  options: FrameDecoderOptions,
  chunks: Uint8Array[],
  check?: (d: FrameDecoder) => void,
) {
  const events: Event[] = [];
  const decoder = new FrameDecoder(options, {
    onFrame: (frame) => events.push({ type: 'frame', frame: norm(frame) }),
    onFrameStart: (header) => events.push({ type: 'start', header }),
    onFrameData: (data, last) => events.push({ type: 'data', data: data.slice(), last }),
    onError: (e) =>
      events.push({ type: 'error', kind: e.kind, closeCode: e.closeCode, fatal: e.fatal }),
  });
  for (const chunk of chunks) {
    decoder.push(chunk.slice());
    check?.(decoder);
  }
  return { events, decoder };
}

/** Cuts `bytes` at the given points (any order, duplicates allowed). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    chunks.push(bytes.slice(start, p));
    start = p;
  }
  chunks.push(bytes.slice(start));
  return chunks;
}

/** Streaming events folded back into whole frames, for comparison with whole mode. */
function assemble(events: Event[]): Event[] {
  const out: Event[] = [];
  let header: FrameHeader | undefined;
  let pieces: Uint8Array[] = [];
  for (const e of events) {
    if (e.type === 'start') {
      header = e.header;
      pieces = [];
    } else if (e.type === 'data') {
      pieces.push(e.data);
      if (e.last) {
        const { masked: _m, payloadLength: _n, ...fields } = header!;
        out.push({ type: 'frame', frame: norm({ ...fields, payload: concat(pieces) }) });
        header = undefined;
      }
    } else {
      out.push(e);
    }
  }
  return out;
}

const frame = (opcode: number, payload: Uint8Array, fin = true): Frame => ({
  fin,
  rsv1: false,
  rsv2: false,
  rsv3: false,
  opcode,
  payload,
});
const frameEvent = (f: Frame): Event => ({ type: 'frame', frame: norm(f) });
const server: FrameDecoderOptions = { role: 'server' };
const client: FrameDecoderOptions = { role: 'client' };

describe('RFC 6455 §5.7 examples, decoded', () => {
  const HELLO = text('Hello');
  const cases: [string, FrameDecoderOptions, Uint8Array, Frame[]][] = [
    ['unmasked "Hello" (client)', client, rfcVectors.unmaskedHello, [frame(1, HELLO)]],
    ['masked "Hello" (server)', server, rfcVectors.maskedHello, [frame(1, HELLO)]],
    [
      'fragmented "Hel" + "lo" (client)',
      client,
      concat([rfcVectors.fragmentHel, rfcVectors.fragmentLo]),
      [frame(1, text('Hel'), false), frame(0, text('lo'))],
    ],
    ['unmasked ping (client)', client, rfcVectors.unmaskedPing, [frame(9, HELLO)]],
    ['masked pong (server)', server, rfcVectors.maskedPong, [frame(10, HELLO)]],
  ];

  it.each(cases)(
    '%s, at every split point and every pair of split points',
    (_name, options, bytes, frames) => {
      const expected = frames.map(frameEvent);
      expect(run(options, [bytes]).events).toEqual(expected);
      for (let i = 0; i <= bytes.length; i++) {
        expect(run(options, split(bytes, [i])).events).toEqual(expected);
        for (let j = i; j <= bytes.length; j++) {
          expect(run(options, split(bytes, [i, j])).events).toEqual(expected);
        }
      }
      expect(run(options, split(bytes, [...bytes.keys()])).events).toEqual(expected);
    },
  );

  it('256 bytes and 64 KiB of binary data in one unmasked frame', () => {
    const p256 = new Uint8Array(256).map((_, i) => i);
    const p64k = new Uint8Array(65536).map((_, i) => i * 13);
    const bytes = concat([rfcVectors.binary256Header, p256, rfcVectors.binary64KiBHeader, p64k]);
    const expected = [frame(2, p256), frame(2, p64k)].map(frameEvent);
    expect(normAll(decodeFrames(bytes.slice(), client))).toEqual(
      [frame(2, p256), frame(2, p64k)].map(norm),
    );
    expect(
      run(client, split(bytes, [1, 3, 4, 100, 260, 261, 265, 266, 30000, 65800])).events,
    ).toEqual(expected);
  });
});

// ---------------------------------------------------------------------------------------
// Arbitraries

/** Deterministic bytes of a given length, without asking fast-check for 64 KiB of values. */
function patterned(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x;
  }
  return out;
}

const payloadArb = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 140 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(0, 124, 125, 126, 127, 65535, 65536, 65537), fc.integer())
      .map(([n, seed]) => patterned(n, seed)),
  },
);
const bool = fc.boolean();
const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({
    fin: bool,
    rsv1: bool,
    rsv2: bool,
    rsv3: bool,
    opcode: fc.constantFrom(0, 1, 2),
    payload: payloadArb,
  }),
  fc.record({
    fin: fc.constant(true),
    rsv1: bool,
    rsv2: bool,
    rsv3: bool,
    opcode: fc.constantFrom(8, 9, 10),
    payload: fc.uint8Array({ maxLength: 125 }),
  }),
);
const keyArb = fc.uint8Array({ minLength: 4, maxLength: 4 });
/** A stream of frames as one role receives them: masked to a server, unmasked to a client. */
const streamArb = fc
  .tuple(
    fc.constantFrom<'server' | 'client'>('server', 'client'),
    fc.array(fc.tuple(frameArb, keyArb), { minLength: 1, maxLength: 8 }),
  )
  .map(([role, items]) => ({
    role,
    frames: items.map(([f]) => f),
    bytes: concat(
      items.map(([f, key]) => encodeFrame(f, { mask: role === 'server' ? key : false })),
    ),
  }));
const all: Omit<FrameDecoderOptions, 'role'> = { allowedRsv: 7 };

/** A hang guard only: property runs with 64 KiB frames take seconds on the shared machine. */
const HANG_GUARD = { timeout: 120_000 };

describe('properties', () => {
  it('decode(encode(f)) = f for every valid frame, masked and unmasked', HANG_GUARD, () => {
    fc.assert(
      fc.property(frameArb, keyArb, (f, key) => {
        const expected = [norm(f)];
        expect(
          normAll(decodeFrames(encodeFrame(f, { mask: key }), { role: 'server', ...all })),
        ).toEqual(expected);
        expect(normAll(decodeFrames(encodeFrame(f), { role: 'client', ...all }))).toEqual(expected);
        expect(normAll(decodeFrames(referenceEncode(f, key), { role: 'server', ...all }))).toEqual(
          expected,
        );
      }),
    );
  });

  it('any chunking of a stream yields the same frames', HANG_GUARD, () => {
    fc.assert(
      fc.property(
        streamArb,
        fc.array(fc.nat(), { maxLength: 20 }),
        ({ role, frames, bytes }, cuts) => {
          const scaled = cuts.map((c) => c % (bytes.length + 1));
          expect(run({ role, ...all }, split(bytes, scaled)).events).toEqual(
            frames.map(frameEvent),
          );
        },
      ),
    );
  });

  it(
    'an unmask hook gets each piece with the packed key and phase, in whole and streaming mode',
    HANG_GUARD,
    () => {
      // The hook XORs with the obviously-correct byte loop; taking only pieces of odd length
      // checks that declined pieces still get the built-in kernel.
      const calls: number[] = [];
      const unmask = (data: Uint8Array, key: number, phase: number): boolean => {
        calls.push(data.length);
        if (data.length % 2 === 0) return false;
        for (let i = 0; i < data.length; i++) data[i]! ^= (key >>> (((phase + i) & 3) * 8)) & 0xff;
        return true;
      };
      fc.assert(
        fc.property(
          streamArb,
          fc.array(fc.nat(), { maxLength: 20 }),
          fc.boolean(),
          ({ role, frames, bytes }, cuts, streaming) => {
            const scaled = split(
              bytes,
              cuts.map((c) => c % (bytes.length + 1)),
            );
            const plain = run({ role, ...all, streaming }, scaled).events;
            calls.length = 0;
            expect(run({ role, ...all, streaming, unmask }, scaled).events).toEqual(plain);
            if (!streaming) expect(plain).toEqual(frames.map(frameEvent));
            // A client is sent unmasked frames: nothing to unmask.
            if (role === 'client') expect(calls).toEqual([]);
            // Streaming data frames are unmasked in place, piece by piece (gathered frames are
            // unmasked as they are copied, without the hook).
            else if (streaming && frames.some((f) => f.opcode < 8 && f.payload.length > 0)) {
              expect(calls.length).toBeGreaterThan(0);
            }
          },
        ),
      );
      expect(
        () =>
          new FrameDecoder({ role: 'server', unmask: 1 as never }, { onFrame() {}, onError() {} }),
      ).toThrow(TypeError);
    },
  );

  it('every split point of small streams yields the same frames', HANG_GUARD, () => {
    const small = streamArb.filter(({ bytes }) => bytes.length <= 300);
    fc.assert(
      fc.property(small, ({ role, frames, bytes }) => {
        const expected = frames.map(frameEvent);
        for (let i = 0; i <= bytes.length; i++) {
          expect(run({ role, ...all }, split(bytes, [i])).events).toEqual(expected);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('one byte at a time yields the same frames', HANG_GUARD, () => {
    const small = streamArb.filter(({ bytes }) => bytes.length <= 3000);
    fc.assert(
      fc.property(small, ({ role, frames, bytes }) => {
        expect(run({ role, ...all }, split(bytes, [...bytes.keys()])).events).toEqual(
          frames.map(frameEvent),
        );
      }),
      { numRuns: 30 },
    );
  });

  it('streaming mode yields the same bytes as whole mode', HANG_GUARD, () => {
    fc.assert(
      fc.property(
        streamArb,
        fc.array(fc.nat(), { maxLength: 20 }),
        ({ role, frames, bytes }, cuts) => {
          const chunks = split(
            bytes,
            cuts.map((c) => c % (bytes.length + 1)),
          );
          const { events } = run({ role, streaming: true, ...all }, chunks);
          expect(assemble(events)).toEqual(frames.map(frameEvent));
          // Data frames arrive as start + pieces; control frames whole.
          for (const e of events) if (e.type === 'frame') expect(e.frame.opcode & 8).toBe(8);
          expect(events.filter((e) => e.type === 'start').length).toBe(
            frames.filter((f) => f.opcode < 8).length,
          );
        },
      ),
    );
  });

  it(
    'random bytes in random chunks never throw, hang or allocate past the limit; bufferedBytes ≤ max + 14',
    HANG_GUARD,
    () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 3000 }),
          fc.array(fc.nat(), { maxLength: 30 }),
          fc.record({
            role: fc.constantFrom<'server' | 'client'>('server', 'client'),
            maxPayloadLength: fc.integer({ min: 0, max: 1000 }),
            strict: bool,
            allowedRsv: fc.integer({ min: 0, max: 7 }),
            streaming: bool,
          }),
          (bytes, cuts, options) => {
            const chunks = split(
              bytes,
              cuts.map((c) => c % (bytes.length + 1)),
            );
            let fatalSeen = false;
            let callbacksAfterFatal = 0;
            let callbacks = 0;
            const count = () => {
              callbacks++;
              if (fatalSeen) callbacksAfterFatal++;
            };
            const decoder = new FrameDecoder(options, {
              onFrame: count,
              onFrameStart: count,
              onFrameData: count,
              onError: (e) => {
                count();
                expect(e).toBeInstanceOf(FrameError);
                expect(e.closeCode).toBe(FRAME_ERROR_CLOSE_CODES[e.kind]);
                if (e.fatal) fatalSeen = true;
              },
            });
            for (const chunk of chunks) {
              decoder.push(chunk);
              expect(decoder.bufferedBytes).toBeLessThanOrEqual(options.maxPayloadLength + 14);
              // Never allocates past the limit: the gather buffer is the only allocation.
              const internal = decoder as unknown as { gatherBuffer: Uint8Array | null };
              expect(internal.gatherBuffer?.length ?? 0).toBeLessThanOrEqual(
                options.maxPayloadLength,
              );
            }
            expect(callbacksAfterFatal).toBe(0);
            expect(decoder.stopped).toBe(fatalSeen);
            // Every callback is paid for by input bytes: at most one frame per 2 bytes, plus a
            // start and an end piece per data frame, plus one piece per chunk.
            expect(callbacks).toBeLessThanOrEqual(2 * bytes.length + chunks.length + 2);
          },
        ),
        { numRuns: 300 },
      );
    },
  );
});

// ---------------------------------------------------------------------------------------

describe('zero copy', () => {
  it('hands out a view of the chunk for a frame inside it, unmasked in place', () => {
    const chunk = concat([hex('00'), rfcVectors.maskedHello]).subarray(1);
    const frames: Frame[] = [];
    new FrameDecoder(server, { onFrame: (f) => frames.push(f), onError: () => {} }).push(chunk);
    expect(frames[0]!.payload.buffer).toBe(chunk.buffer);
    expect(frames[0]!.payload.byteOffset).toBe(chunk.byteOffset + 6);
    expect(chunk.subarray(6)).toEqual(text('Hello'));
  });

  it('gathers a frame spanning chunks once, into a buffer of exactly its size', () => {
    const payload = patterned(1000, 7);
    const bytes = encodeFrame(frame(2, payload), { mask: KEY });
    const chunks = split(bytes, [3, 10, 500, 999]);
    const frames: Frame[] = [];
    const decoder = new FrameDecoder(server, { onFrame: (f) => frames.push(f), onError: () => {} });
    const buffered: number[] = [];
    for (const c of chunks) {
      decoder.push(c);
      buffered.push(decoder.bufferedBytes);
    }
    expect(buffered).toEqual([3, 2, 492, 991, 0]);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.payload).toEqual(payload);
    expect(frames[0]!.payload.byteOffset).toBe(0);
    expect(frames[0]!.payload.buffer.byteLength).toBe(1000);
    for (const c of chunks) expect(frames[0]!.payload.buffer).not.toBe(c.buffer);
  });

  it(
    'kept payloads stay intact while later frames are decoded, across decoders (fast-check)',
    HANG_GUARD,
    () => {
      // A payload kept by the caller must not change while this or another decoder gathers
      // more frames after it.
      const smallFrames = fc.array(fc.tuple(fc.integer({ min: 0, max: 8400 }), fc.integer()), {
        minLength: 1,
        maxLength: 12,
      });
      fc.assert(
        fc.property(
          smallFrames,
          smallFrames,
          fc.integer({ min: 1, max: 700 }),
          (a, b, chunkSize) => {
            const kept: [Uint8Array, Uint8Array][] = [];
            const decoders = [a, b].map((specs) => {
              const payloads = specs.map(([n, seed]) => patterned(n, seed));
              const bytes = concat(payloads.map((p) => encodeFrame(frame(2, p), { mask: KEY })));
              let index = 0;
              const decoder = new FrameDecoder(server, {
                onFrame: (f) => kept.push([f.payload, payloads[index++]!]),
                onError: (e) => expect.fail(e.message),
              });
              return { decoder, bytes };
            });
            // The two streams' chunks interleaved, so both decoders draw from the pool in turn.
            for (
              let at = 0;
              at < Math.max(...decoders.map((d) => d.bytes.length));
              at += chunkSize
            ) {
              for (const { decoder, bytes } of decoders) {
                if (at < bytes.length) decoder.push(bytes.slice(at, at + chunkSize));
              }
            }
            expect(kept).toHaveLength(a.length + b.length);
            for (const [payload, expected] of kept) expect(payload).toEqual(expected);
          },
        ),
        { numRuns: 100 },
      );
    },
  );

  it('streams pieces as views of the chunks, with last only on the final piece', () => {
    const bytes = encodeFrame(frame(2, patterned(100, 3)), { mask: KEY });
    const chunks = split(bytes, [20, 50]);
    const pieces: [Uint8Array, boolean][] = [];
    const decoder = new FrameDecoder(
      { role: 'server', streaming: true },
      {
        onFrame: () => {},
        onFrameData: (d, last) => pieces.push([d, last]),
        onFrameStart: () => {},
        onError: () => {},
      },
    );
    for (const c of chunks) decoder.push(c);
    expect(pieces.map(([d, last]) => [d.length, last])).toEqual([
      [14, false],
      [30, false],
      [56, true],
    ]);
    for (const [i, [d]] of pieces.entries()) expect(d.buffer).toBe(chunks[i]!.buffer);
    expect(concat(pieces.map(([d]) => d))).toEqual(patterned(100, 3));
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('streams an empty data frame as one empty last piece, and control frames whole', () => {
    const bytes = concat([
      encodeFrame(frame(1, new Uint8Array(0))),
      encodeFrame(frame(9, text('hi'))),
    ]);
    const { events } = run({ role: 'client', streaming: true }, [bytes]);
    expect(events).toEqual([
      {
        type: 'start',
        header: {
          fin: true,
          rsv1: false,
          rsv2: false,
          rsv3: false,
          opcode: 1,
          masked: false,
          payloadLength: 0,
        },
      },
      { type: 'data', data: new Uint8Array(0), last: true },
      frameEvent(frame(9, text('hi'))),
    ]);
  });
});

// ---------------------------------------------------------------------------------------

/** A masked header for the server role: first byte, then the length field, then KEY. */
const masked = (b0: number, lengthField: string, payload = '') =>
  hex(`${b0.toString(16).padStart(2, '0')}${lengthField}37fa213d${payload}`);

describe('errors', () => {
  const cases: [string, FrameDecoderOptions, Uint8Array, FrameErrorKind][] = [
    ['reserved opcode 0x3', server, masked(0x83, '80'), 'reserved-opcode'],
    ['reserved opcode 0x7', server, masked(0x87, '80'), 'reserved-opcode'],
    ['reserved opcode 0xB', server, masked(0x8b, '80'), 'reserved-opcode'],
    ['reserved opcode 0xF', server, masked(0x8f, '80'), 'reserved-opcode'],
    ['RSV1 without an extension', server, masked(0xc1, '80'), 'reserved-bits'],
    ['RSV2 without an extension', server, masked(0xa1, '80'), 'reserved-bits'],
    ['RSV3 without an extension', server, masked(0x91, '80'), 'reserved-bits'],
    [
      'RSV2 when only RSV1 is allowed',
      { role: 'server', allowedRsv: 4 },
      masked(0xa1, '80'),
      'reserved-bits',
    ],
    ['fragmented ping', server, masked(0x09, '80'), 'fragmented-control-frame'],
    ['fragmented close', server, masked(0x08, '80'), 'fragmented-control-frame'],
    ['ping of 126 bytes', server, masked(0x89, 'fe007e'), 'control-frame-too-long'],
    [
      'close with a 64-bit length',
      server,
      masked(0x88, 'ff0000000000000002'),
      'control-frame-too-long',
    ],
    ['125 in the 16-bit form', server, masked(0x82, 'fe007d'), 'non-minimal-length'],
    ['0 in the 16-bit form', server, masked(0x82, 'fe0000'), 'non-minimal-length'],
    ['65535 in the 64-bit form', server, masked(0x82, 'ff000000000000ffff'), 'non-minimal-length'],
    ['1 in the 64-bit form', server, masked(0x82, 'ff0000000000000001'), 'non-minimal-length'],
    [
      '64-bit length with the MSB set',
      server,
      masked(0x82, 'ff8000000000000000'),
      'length-out-of-range',
    ],
    [
      '64-bit length of all ones',
      server,
      masked(0x82, 'ffffffffffffffffff'),
      'length-out-of-range',
    ],
    ['2^62 bytes', server, masked(0x82, 'ff4000000000000000'), 'payload-too-large'],
    [
      '11 bytes over a limit of 10',
      { role: 'server', maxPayloadLength: 10 },
      masked(0x82, '8b'),
      'payload-too-large',
    ],
    ['64 MiB + 1 by default', server, masked(0x82, 'ff0000000004000001'), 'payload-too-large'],
    ['unmasked frame to a server', server, hex('8100'), 'mask-required'],
    ['masked frame to a client', client, masked(0x81, '80'), 'mask-forbidden'],
  ];

  it.each(cases)('%s → %s, fatal, at every split point', (_name, options, bytes, kind) => {
    const expected = [
      { type: 'error', kind, closeCode: FRAME_ERROR_CLOSE_CODES[kind], fatal: true },
    ];
    // Extra bytes after the bad header must be discarded, not decoded.
    const stream = concat([bytes, rfcVectors.maskedHello, rfcVectors.unmaskedHello]);
    for (let i = 0; i <= stream.length; i++) {
      const { events, decoder } = run(options, split(stream, [i]));
      expect(events).toEqual(expected);
      expect(decoder.stopped).toBe(true);
      expect(decoder.bufferedBytes).toBe(0);
    }
  });

  it('uses the close codes of the table', () => {
    expect(FRAME_ERROR_CLOSE_CODES['payload-too-large']).toBe(1009);
    expect(FRAME_ERROR_CLOSE_CODES['reserved-opcode']).toBe(1002);
    const { events } = run({ role: 'server', maxPayloadLength: 0 }, [masked(0x82, '81', '00')]);
    expect(events).toEqual([
      { type: 'error', kind: 'payload-too-large', closeCode: 1009, fatal: true },
    ]);
  });

  it('reports in the contract order when a header breaks several rules', () => {
    const first = (options: FrameDecoderOptions, bytes: Uint8Array) =>
      run(options, [bytes]).events.map((e) => e.type === 'error' && e.kind);
    // reserved opcode before RSV bits
    expect(first(server, masked(0xf3, '80'))).toEqual(['reserved-opcode']);
    // RSV before control FIN / length
    expect(first(server, masked(0x49, 'fe0080'))).toEqual(['reserved-bits']);
    // control FIN before control length
    expect(first(server, masked(0x09, 'fe0080'))).toEqual(['fragmented-control-frame']);
    // non-minimal before the limit and masking
    expect(first({ role: 'client', maxPayloadLength: 1 }, masked(0x82, 'fe0005'))).toEqual([
      'non-minimal-length',
    ]);
    // MSB before the limit
    expect(
      first({ role: 'server', maxPayloadLength: 1 }, masked(0x82, 'ff8000000000010000')),
    ).toEqual(['length-out-of-range']);
    // limit before masking
    expect(first({ role: 'client', maxPayloadLength: 1 }, masked(0x82, '85'))).toEqual([
      'payload-too-large',
    ]);
  });

  it('fails fast: a bad first two bytes are reported before the rest of the header', () => {
    const { events } = run(server, [hex('83')]);
    expect(events).toEqual([]);
    const second = run(server, [hex('83'), hex('fe')]);
    expect(second.events.map((e) => e.type === 'error' && e.kind)).toEqual(['reserved-opcode']);
  });

  it('accepts a payload of exactly maxPayloadLength and a negotiated RSV bit', () => {
    const f = { ...frame(2, patterned(10, 1)), rsv1: true };
    expect(
      decodeFrames(encodeFrame(f, { mask: KEY }), {
        role: 'server',
        maxPayloadLength: 10,
        allowedRsv: 4,
      }),
    ).toEqual([f]);
  });

  it('allocates nothing for a frame over the limit', () => {
    const { events, decoder } = run({ role: 'server', maxPayloadLength: 100 }, [
      masked(0x82, 'fe1000'),
    ]);
    expect(events).toHaveLength(1);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('reports a length it cannot allocate under an unlimited maxPayloadLength, without throwing', () => {
    const { events } = run({ role: 'server', maxPayloadLength: Number.POSITIVE_INFINITY }, [
      masked(0x82, 'ff0004000000000000'),
    ]);
    expect(events).toEqual([
      { type: 'error', kind: 'payload-too-large', closeCode: 1009, fatal: true },
    ]);
  });

  it('with strict: false, reports a masking violation as non-fatal and decodes on', () => {
    const lax = { strict: false } as const;
    const toServer = concat([rfcVectors.unmaskedHello, rfcVectors.maskedHello]);
    expect(run({ role: 'server', ...lax }, split(toServer, [4])).events).toEqual([
      { type: 'error', kind: 'mask-required', closeCode: 1002, fatal: false },
      frameEvent(frame(1, text('Hello'))),
      frameEvent(frame(1, text('Hello'))),
    ]);
    const toClient = concat([rfcVectors.maskedHello, rfcVectors.unmaskedHello]);
    const { events, decoder } = run({ role: 'client', ...lax }, split(toClient, [1]));
    expect(events).toEqual([
      { type: 'error', kind: 'mask-forbidden', closeCode: 1002, fatal: false },
      frameEvent(frame(1, text('Hello'))),
      frameEvent(frame(1, text('Hello'))),
    ]);
    expect(decoder.stopped).toBe(false);
    expect(decodeFrames(toServer, { role: 'server', ...lax })).toEqual([
      frame(1, text('Hello')),
      frame(1, text('Hello')),
    ]);
  });
});

describe('stop', () => {
  const two = concat([rfcVectors.unmaskedHello, rfcVectors.unmaskedPing]);

  it('drops everything after stop() called inside onFrame', () => {
    const seen: number[] = [];
    const decoder = new FrameDecoder(client, {
      onFrame(f) {
        seen.push(f.opcode);
        decoder.stop();
      },
      onError: () => expect.fail('no error expected'),
    });
    decoder.push(two.slice());
    decoder.push(two.slice());
    expect(seen).toEqual([1]);
    expect(decoder.stopped).toBe(true);
    expect(decoder.bufferedBytes).toBe(0);
  });

  it('drops a gathered frame in progress', () => {
    const decoder = new FrameDecoder(client, {
      onFrame: () => expect.fail('dropped'),
      onError: () => {},
    });
    decoder.push(rfcVectors.unmaskedHello.slice(0, 4));
    expect(decoder.bufferedBytes).toBe(2);
    decoder.stop();
    expect(decoder.bufferedBytes).toBe(0);
    decoder.push(rfcVectors.unmaskedHello.slice(4));
  });

  it('stops from onFrameStart, onFrameData and a non-fatal onError', () => {
    const bytes = concat([rfcVectors.unmaskedHello, rfcVectors.unmaskedHello]);
    for (const where of ['start', 'data', 'error'] as const) {
      const calls: string[] = [];
      const decoder: FrameDecoder = new FrameDecoder(
        { role: where === 'error' ? 'server' : 'client', streaming: true, strict: false },
        {
          onFrame: () => calls.push('frame'),
          onFrameStart: () => {
            calls.push('start');
            if (where === 'start') decoder.stop();
          },
          onFrameData: () => {
            calls.push('data');
            if (where === 'data') decoder.stop();
          },
          onError: () => {
            calls.push('error');
            if (where === 'error') decoder.stop();
          },
        },
      );
      decoder.push(bytes.slice());
      expect(calls).toEqual(
        where === 'start' ? ['start'] : where === 'data' ? ['start', 'data'] : ['error'],
      );
    }
  });
});

describe('decodeFrames', () => {
  it('returns the frames, or the first fatal error', () => {
    expect(decodeFrames(rfcVectors.maskedHello.slice(), server)).toEqual([frame(1, text('Hello'))]);
    const error = decodeFrames(concat([rfcVectors.maskedHello, hex('8100')]), server);
    expect(error).toBeInstanceOf(FrameError);
    expect((error as FrameError).kind).toBe('mask-required');
  });

  it('ignores an incomplete frame at the end', () => {
    expect(decodeFrames(concat([rfcVectors.unmaskedHello, hex('8105486565')]), client)).toEqual([
      frame(1, text('Hello')),
    ]);
  });

  it('ignores the streaming option', () => {
    expect(
      decodeFrames(rfcVectors.unmaskedHello.slice(), { role: 'client', streaming: true }),
    ).toEqual([frame(1, text('Hello'))]);
  });
});

describe('caller misuse throws', () => {
  const handler = { onFrame: () => {}, onError: () => {} };
  it.each([
    ['no options', undefined],
    ['a bad role', { role: 'peer' }],
  ])('TypeError for %s', (_name, options) => {
    expect(() => new FrameDecoder(options as unknown as FrameDecoderOptions, handler)).toThrow(
      TypeError,
    );
  });

  it.each([
    ['maxPayloadLength -1', { role: 'server', maxPayloadLength: -1 }],
    ['maxPayloadLength NaN', { role: 'server', maxPayloadLength: Number.NaN }],
    ['maxPayloadLength 1.5', { role: 'server', maxPayloadLength: 1.5 }],
    ['allowedRsv 8', { role: 'server', allowedRsv: 8 }],
  ])('RangeError for %s', (_name, options) => {
    expect(() => new FrameDecoder(options as FrameDecoderOptions, handler)).toThrow(RangeError);
  });

  it('TypeError for a handler without callbacks, or streaming without its callbacks', () => {
    expect(() => new FrameDecoder(server, {} as never)).toThrow(TypeError);
    expect(() => new FrameDecoder({ role: 'server', streaming: true }, handler)).toThrow(TypeError);
  });

  it('TypeError for a chunk that is not a Uint8Array', () => {
    expect(() => new FrameDecoder(server, handler).push('abc' as unknown as Uint8Array)).toThrow(
      TypeError,
    );
  });

  it('accepts an unlimited maxPayloadLength', () => {
    expect(
      () =>
        new FrameDecoder({ role: 'server', maxPayloadLength: Number.POSITIVE_INFINITY }, handler),
    ).not.toThrow();
  });
});

describe('options.allocate (buffers for frames that span chunks)', () => {
  /** An allocator that hands out dirty memory, as Buffer.allocUnsafe may, and logs each length. */
  const dirty = (lengths: number[]) => (length: number) => {
    lengths.push(length);
    return new Uint8Array(length).fill(0xee);
  };

  it(
    'yields the same frames at every split point, with dirty buffers (fast-check)',
    HANG_GUARD,
    () => {
      const small = streamArb.filter(({ bytes }) => bytes.length <= 300);
      fc.assert(
        fc.property(small, ({ role, frames, bytes }) => {
          const expected = frames.map(frameEvent);
          for (let i = 0; i <= bytes.length; i++) {
            for (const cuts of [[i], [i, i + 3], [i, i + 1, i + 2, i + 7]]) {
              const lengths: number[] = [];
              const chunks = split(bytes, cuts);
              expect(run({ role, ...all, allocate: dirty(lengths) }, chunks).events).toEqual(
                expected,
              );
              // Only a frame that spans chunks asks for a buffer, of exactly its payload length.
              for (const length of lengths)
                expect(frames.some((f) => f.payload.length === length)).toBe(true);
            }
          }
        }),
        { numRuns: 40 },
      );
    },
  );

  it(
    'yields the same frames in random chunkings of large streams, with dirty buffers',
    HANG_GUARD,
    () => {
      fc.assert(
        fc.property(
          streamArb,
          fc.array(fc.nat(), { maxLength: 12 }),
          ({ role, frames, bytes }, cuts) => {
            const lengths: number[] = [];
            const scaled = cuts.map((c) => c % (bytes.length + 1));
            expect(
              run({ role, ...all, allocate: dirty(lengths) }, split(bytes, scaled)).events,
            ).toEqual(frames.map(frameEvent));
          },
        ),
        { numRuns: 60 },
      );
    },
  );

  it('is asked only for frames that span chunks, and its buffer is the payload', () => {
    const frames = [patterned(300, 1), patterned(5, 2), patterned(70_000, 3)];
    const bytes = concat(
      frames.map((payload) => encodeFrame({ opcode: 2, payload }, { mask: KEY })),
    );
    const buffers: Uint8Array[] = [];
    const payloads: Uint8Array[] = [];
    const decoder = new FrameDecoder(
      {
        role: 'server',
        allocate(length) {
          const b = new Uint8Array(length).fill(0x55);
          buffers.push(b);
          return b;
        },
      },
      { onFrame: (f) => payloads.push(f.payload), onError: (e) => expect.fail(e.message) },
    );
    // The 300-byte frame spans the first cut, the 5-byte one lies inside a chunk, the 70,000-byte one spans.
    for (const chunk of split(bytes, [100, 320, 1000, 40_000])) decoder.push(chunk);
    expect(payloads.map((p) => p.length)).toEqual([300, 5, 70_000]);
    expect(buffers.map((b) => b.length)).toEqual([300, 70_000]);
    expect(payloads[0]).toBe(buffers[0]);
    expect(payloads[2]).toBe(buffers[1]);
    for (const [i, p] of payloads.entries()) expect(p).toEqual(frames[i]);
  });

  it('a throwing allocator is payload-too-large (a value); a wrong one is caller misuse', () => {
    const bytes = encodeFrame({ opcode: 2, payload: new Uint8Array(200) }, { mask: KEY });
    const chunks = split(bytes, [50]);
    const failing = run(
      {
        role: 'server',
        allocate() {
          throw new RangeError('no memory');
        },
      },
      chunks,
    );
    expect(failing.events).toEqual([
      { type: 'error', kind: 'payload-too-large', closeCode: 1009, fatal: true },
    ]);
    expect(failing.decoder.stopped).toBe(true);
    const wrong = new FrameDecoder(
      { role: 'server', allocate: (n) => new Uint8Array(n - 1) },
      { onFrame() {}, onError() {} },
    );
    expect(() => wrong.push(bytes.slice(0, 50))).toThrow(TypeError);
    expect(wrong.stopped).toBe(true);
    expect(
      () =>
        new FrameDecoder({ role: 'server', allocate: 1 as never }, { onFrame() {}, onError() {} }),
    ).toThrow(TypeError);
  });
});
