import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, encodeFrameParts, headerLength, writeHeader } from '../src/encoder.js';
import { createMaskKeySource } from '../src/mask-key.js';
import { concat, hex, KEY, referenceEncode, rfcVectors, text } from './vectors.js';

const HELLO = text('Hello');

describe('RFC 6455 §5.7 examples, encoded', () => {
  it('a single-frame unmasked text message', () => {
    expect(encodeFrame({ opcode: 1, payload: HELLO })).toEqual(rfcVectors.unmaskedHello);
  });

  it('a single-frame masked text message', () => {
    expect(encodeFrame({ opcode: 1, payload: HELLO }, { mask: KEY })).toEqual(
      rfcVectors.maskedHello,
    );
  });

  it('a fragmented unmasked text message', () => {
    expect(encodeFrame({ opcode: 1, fin: false, payload: text('Hel') })).toEqual(
      rfcVectors.fragmentHel,
    );
    expect(encodeFrame({ opcode: 0, payload: text('lo') })).toEqual(rfcVectors.fragmentLo);
  });

  it('an unmasked ping and a masked pong', () => {
    expect(encodeFrame({ opcode: 9, payload: HELLO })).toEqual(rfcVectors.unmaskedPing);
    expect(encodeFrame({ opcode: 10, payload: HELLO }, { mask: KEY })).toEqual(
      rfcVectors.maskedPong,
    );
  });

  it('256 bytes and 64 KiB of binary data in one unmasked frame', () => {
    const p256 = new Uint8Array(256).map((_, i) => i);
    const f256 = encodeFrame({ opcode: 2, payload: p256 });
    expect(f256.subarray(0, 4)).toEqual(rfcVectors.binary256Header);
    expect(f256.subarray(4)).toEqual(p256);
    const p64k = new Uint8Array(65536).map((_, i) => i * 7);
    const f64k = encodeFrame({ opcode: 2, payload: p64k });
    expect(f64k.subarray(0, 10)).toEqual(rfcVectors.binary64KiBHeader);
    expect(f64k.subarray(10)).toEqual(p64k);
    const [header, payload] = encodeFrameParts({ opcode: 2, payload: p64k });
    expect(header).toEqual(rfcVectors.binary64KiBHeader);
    expect(payload).toBe(p64k);
  });
});

const lengths = [
  0, 1, 2, 3, 4, 5, 31, 32, 33, 63, 64, 65, 66, 67, 125, 126, 127, 255, 256, 257, 1000, 4081, 4082,
  4089, 4090, 4096, 4097, 65535, 65536, 70000,
];

describe('encodeFrame', () => {
  it.each(lengths)('matches the reference encoder at %i bytes, masked and unmasked', (n) => {
    const payload = new Uint8Array(n).map((_, i) => (i * 31 + 7) & 0xff);
    const before = payload.slice();
    const frame = { fin: true, rsv1: false, rsv2: false, rsv3: false, opcode: 2, payload };
    expect(encodeFrame(frame)).toEqual(referenceEncode(frame));
    const key = hex('a1b2c3d4');
    expect(encodeFrame(frame, { mask: key })).toEqual(referenceEncode(frame, key));
    expect(payload).toEqual(before);
  });

  it('matches the reference for any frame fields, payload and key (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.record({
          fin: fc.boolean(),
          rsv1: fc.boolean(),
          rsv2: fc.boolean(),
          rsv3: fc.boolean(),
          opcode: fc.integer({ min: 0, max: 15 }),
          payload: fc.uint8Array({ maxLength: 600 }),
        }),
        fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }), { nil: undefined }),
        (frame, key) => {
          const before = frame.payload.slice();
          expect(encodeFrame(frame, { mask: key ?? false })).toEqual(referenceEncode(frame, key));
          const [header, payload] = encodeFrameParts(frame, { mask: key ?? false });
          expect(concat([header, payload])).toEqual(referenceEncode(frame, key));
          expect(frame.payload).toEqual(before);
        },
      ),
    );
  });

  it('defaults fin to true and the RSV bits to false', () => {
    expect(encodeFrame({ opcode: 2, payload: new Uint8Array(0) })).toEqual(hex('8200'));
    expect(
      encodeFrame({ opcode: 1, payload: new Uint8Array(0), fin: false, rsv1: true, rsv3: true }),
    ).toEqual(hex('5100'));
  });

  it('masks with keys from the given source, one key per frame', () => {
    const fill = (bytes: Uint8Array) => {
      for (let i = 0; i < bytes.length; i++) bytes[i] = i + 1;
    };
    const maskSource = createMaskKeySource(fill, 8);
    const payload = new Uint8Array(4);
    expect(encodeFrame({ opcode: 2, payload }, { mask: true, maskSource })).toEqual(
      hex('828401020304' + '01020304'),
    );
    expect(encodeFrame({ opcode: 2, payload }, { mask: true, maskSource })).toEqual(
      hex('828405060708' + '05060708'),
    );
  });

  it('masks with a fresh random key by default', () => {
    const payload = new Uint8Array(16);
    const a = encodeFrame({ opcode: 2, payload }, { mask: true });
    const b = encodeFrame({ opcode: 2, payload }, { mask: true });
    expect(a[1]).toBe(0x90);
    // §5.3: with a zero payload the masked bytes repeat the key.
    for (let i = 0; i < 16; i++) expect(a[6 + i]).toBe(a[2 + (i % 4)]);
    expect(a.subarray(2, 6)).not.toEqual(b.subarray(2, 6));
  });

  it('throws for caller misuse', () => {
    const payload = new Uint8Array(1);
    expect(() => encodeFrame({ opcode: 16, payload })).toThrow(RangeError);
    expect(() => encodeFrame({ opcode: -1, payload })).toThrow(RangeError);
    expect(() => encodeFrame({ opcode: 1.5, payload })).toThrow(RangeError);
    expect(() => encodeFrame({ opcode: 1, payload: [1] as unknown as Uint8Array })).toThrow(
      TypeError,
    );
    expect(() => encodeFrame({ opcode: 1, payload }, { mask: new Uint8Array(3) })).toThrow(
      RangeError,
    );
    expect(() => encodeFrame({ opcode: 1, payload }, { mask: new Uint8Array(5) })).toThrow(
      RangeError,
    );
  });

  it('throws exactly what encodeFrameParts throws, payload checked before opcode (fast-check)', () => {
    const thrown = (f: () => unknown): [string, string] | undefined => {
      try {
        f();
      } catch (error) {
        return [(error as Error).constructor.name, (error as Error).message];
      }
      return undefined;
    };
    const payloads = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.constantFrom<unknown>(
        [1, 2],
        'ab',
        null,
        undefined,
        new Uint16Array(3),
        new ArrayBuffer(8),
      ),
    );
    const opcodes = fc.oneof(
      fc.integer({ min: -20, max: 40 }),
      fc.constantFrom<unknown>(1.5, Number.NaN, '1', 2 ** 32 + 1, -0),
    );
    fc.assert(
      fc.property(payloads, opcodes, fc.boolean(), (payload, opcode, masked) => {
        const frame = { opcode, payload } as unknown as Parameters<typeof encodeFrame>[0];
        const options = { mask: masked };
        const expected = thrown(() => encodeFrameParts(frame, options));
        expect(thrown(() => encodeFrame(frame, options))).toEqual(expected);
        const valid =
          payload instanceof Uint8Array &&
          typeof opcode === 'number' &&
          Number.isInteger(opcode) &&
          opcode >= 0 &&
          opcode <= 15;
        expect(expected === undefined).toBe(valid);
        if (!(payload instanceof Uint8Array)) expect(expected?.[0]).toBe('TypeError');
      }),
      { numRuns: 500 },
    );
  });
});

describe('encodeFrameParts', () => {
  it('returns the caller payload itself when unmasked', () => {
    const payload = new Uint8Array(1000).fill(9);
    const [header, out] = encodeFrameParts({ opcode: 2, payload });
    expect(out).toBe(payload);
    expect(header).toEqual(hex('827e03e8'));
  });

  it('returns a masked copy by default and leaves the payload alone', () => {
    const payload = new Uint8Array(300).fill(0);
    const [header, out] = encodeFrameParts({ opcode: 2, payload }, { mask: KEY });
    expect(header).toEqual(hex('82fe012c37fa213d'));
    expect(out).not.toBe(payload);
    expect(payload.every((b) => b === 0)).toBe(true);
    for (let i = 0; i < 300; i++) expect(out[i]).toBe(KEY[i % 4]);
  });

  it('masks the payload in place with maskInPlace', () => {
    const payload = text('Hello');
    const [header, out] = encodeFrameParts(
      { opcode: 1, payload },
      { mask: KEY, maskInPlace: true },
    );
    expect(out).toBe(payload);
    expect(concat([header, out])).toEqual(rfcVectors.maskedHello);
  });
});

describe('headerLength', () => {
  it.each([
    [0, false, 2],
    [125, false, 2],
    [126, false, 4],
    [65535, false, 4],
    [65536, false, 10],
    [2 ** 53 - 1, false, 10],
    [0, true, 6],
    [125, true, 6],
    [126, true, 8],
    [65535, true, 8],
    [65536, true, 14],
  ])('%i bytes, masked %s → %i', (n, masked, size) => {
    expect(headerLength(n, masked)).toBe(size);
  });

  it('throws for a length that is not a non-negative safe integer', () => {
    expect(() => headerLength(-1, false)).toThrow(RangeError);
    expect(() => headerLength(2 ** 53, false)).toThrow(RangeError);
    expect(() => headerLength(1.5, false)).toThrow(RangeError);
  });
});

describe('writeHeader', () => {
  const fields = { fin: true, rsv1: false, rsv2: false, rsv3: false, opcode: 2 };

  it('writes at an offset and returns the offset after the header', () => {
    const target = new Uint8Array(20).fill(0xee);
    expect(writeHeader(target, 3, fields, 5)).toBe(5);
    expect(target).toEqual(hex('eeeeee8205eeeeeeeeeeeeeeeeeeeeeeeeeeeeee'));
    expect(writeHeader(target, 6, { ...fields, fin: false, rsv2: true, opcode: 0 }, 300, KEY)).toBe(
      14,
    );
    expect(target.subarray(6, 15)).toEqual(hex('20fe012c37fa213dee'));
  });

  it('writes a 64-bit length without touching a payload', () => {
    const target = new Uint8Array(14);
    expect(writeHeader(target, 0, fields, 2 ** 32 + 5, KEY)).toBe(14);
    expect(target).toEqual(hex('82ff000000010000000537fa213d'));
    expect(writeHeader(target, 0, fields, 2 ** 53 - 1)).toBe(10);
    expect(target.subarray(0, 10)).toEqual(hex('827f001fffffffffffff'));
  });

  it('lets a caller build a frame in its own buffer', () => {
    const payload = text('Hello');
    const target = new Uint8Array(64);
    const start = writeHeader(target, 10, { ...fields, opcode: 1 }, payload.length);
    target.set(payload, start);
    expect(target.subarray(10, start + payload.length)).toEqual(rfcVectors.unmaskedHello);
  });

  it('throws RangeError when the header does not fit', () => {
    expect(() => writeHeader(new Uint8Array(3), 2, fields, 5)).toThrow(RangeError);
    expect(() => writeHeader(new Uint8Array(9), 0, fields, 65536)).toThrow(RangeError);
    expect(() => writeHeader(new Uint8Array(5), 0, fields, 5, KEY)).toThrow(RangeError);
    expect(() => writeHeader(new Uint8Array(10), -1, fields, 5)).toThrow(RangeError);
    expect(() => writeHeader(new Uint8Array(10), 0, { ...fields, opcode: 16 }, 5)).toThrow(
      RangeError,
    );
  });
});

/** A deterministic fill (xorshift32 from `seed`) and its twin, for key-by-key expectations. */
function seededFill(seed: number) {
  let x = seed | 1;
  return (bytes: Uint8Array) => {
    for (let i = 0; i < bytes.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes[i] = x & 0xff;
    }
  };
}

const plain = (opcode: number, payload: Uint8Array) => ({
  fin: true,
  rsv1: false,
  rsv2: false,
  rsv3: false,
  opcode,
  payload,
});

const fusedLengths = [
  0, 1, 2, 3, 4, 5, 7, 8, 31, 32, 33, 63, 64, 65, 67, 125, 126, 4082, 4086, 4087, 4090, 4097, 70000,
];

describe('masked encoding with a pooled key source (the fused path)', () => {
  const frameArb = fc.record({
    fin: fc.boolean(),
    rsv1: fc.boolean(),
    rsv2: fc.boolean(),
    rsv3: fc.boolean(),
    opcode: fc.integer({ min: 0, max: 15 }),
    payload: fc.oneof(
      { weight: 4, arbitrary: fc.uint8Array({ maxLength: 300 }) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom(...fusedLengths), fc.nat())
          .map(([n, s]) => new Uint8Array(n).map((_, i) => (i * 13 + s) & 0xff)),
      },
    ),
  });
  // A payload at any byteOffset of a larger buffer (the word loop reads it byte by byte).
  const offsetFrameArb = fc.tuple(frameArb, fc.integer({ min: 0, max: 7 })).map(([f, offset]) => {
    const backing = new Uint8Array(f.payload.length + offset + 3);
    backing.set(f.payload, offset);
    return { ...f, payload: backing.subarray(offset, offset + f.payload.length) };
  });

  it('equals the reference with the key the source hands out, frame after frame (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.array(offsetFrameArb, { minLength: 1, maxLength: 12 }),
        fc.integer(),
        fc.constantFrom(4, 8, 12, 8192),
        (frames, seed, poolSize) => {
          // Two sources over the same fill: one encodes, its twin says which key comes next.
          const maskSource = createMaskKeySource(seededFill(seed), poolSize);
          const twin = createMaskKeySource(seededFill(seed), poolSize);
          for (const frame of frames) {
            const key = new Uint8Array(4);
            twin.next(key, 0);
            const before = frame.payload.slice();
            expect(encodeFrame(frame, { mask: true, maskSource })).toEqual(
              referenceEncode(frame, key),
            );
            expect(frame.payload).toEqual(before);
          }
        },
      ),
    );
  });

  it('encodeFrameParts (copy and in place) equals the reference with the pooled key (fast-check)', () => {
    fc.assert(
      fc.property(offsetFrameArb, fc.integer(), fc.boolean(), (frame, seed, inPlace) => {
        const maskSource = createMaskKeySource(seededFill(seed), 8);
        const key = new Uint8Array(4);
        createMaskKeySource(seededFill(seed), 8).next(key, 0);
        const before = frame.payload.slice();
        const [header, payload] = encodeFrameParts(frame, {
          mask: true,
          maskSource,
          maskInPlace: inPlace,
        });
        expect(concat([header, payload])).toEqual(
          referenceEncode({ ...frame, payload: before }, key),
        );
        if (inPlace) expect(payload).toBe(frame.payload);
        else expect(frame.payload).toEqual(before);
      }),
    );
  });

  it('at every length 0–300 and across slab boundaries, earlier frames survive later ones', () => {
    const maskSource = createMaskKeySource(seededFill(7), 12);
    const twin = createMaskKeySource(seededFill(7), 12);
    const kept: [Uint8Array, Uint8Array][] = [];
    // 301 lengths × 3 rounds ≈ 140 KiB of frames: more than two 64 KiB slabs.
    for (let round = 0; round < 3; round++) {
      for (let n = 0; n <= 300; n++) {
        const frame = plain(
          2,
          new Uint8Array(n).map((_, i) => (i + n + round) & 0xff),
        );
        const key = new Uint8Array(4);
        twin.next(key, 0);
        kept.push([encodeFrame(frame, { mask: true, maskSource }), referenceEncode(frame, key)]);
      }
    }
    for (const [out, expected] of kept) expect(out).toEqual(expected);
  });

  it('encodeFrameParts headers (slab views) survive later frames, across slab boundaries', () => {
    // Headers of 2, 4 and 10 bytes (§5.2 length forms), text or binary, RSV1 or not.
    const cases = [0, 1, 125, 126, 65_535, 65_536].flatMap((n) =>
      [1, 2].flatMap((opcode) =>
        [false, true].map((rsv1) => {
          const frame = { ...plain(opcode, new Uint8Array(n)), rsv1 };
          const expected = referenceEncode(frame).subarray(0, n <= 125 ? 2 : n <= 65_535 ? 4 : 10);
          return { frame, expected };
        }),
      ),
    );
    const kept: [Uint8Array, Uint8Array][] = [];
    // 12,000 headers, each region 8-byte aligned (> 64 KiB of slab), with masked frames from
    // the same slab in between.
    for (let i = 0; i < 12_000; i++) {
      const { frame, expected } = cases[i % cases.length]!;
      kept.push([encodeFrameParts(frame)[0], expected]);
      encodeFrame(plain(2, new Uint8Array(i % 200)), { mask: true });
    }
    for (const [header, expected] of kept) expect(header).toEqual(expected);
  });

  // encodeFrame dispatches a pooled-key frame on its length (below 64: words packed from bytes;
  // 64 to 255: set() and an in-place XOR; 256 to 4088: the SIMD kernel's masked copy; 7- or
  // 16-bit length; above: not pooled) and an
  // unmasked one on its length form; every boundary, at every source alignment.
  const dispatchLengths = [
    ...Array.from({ length: 301 }, (_, n) => n),
    ...Array.from({ length: 41 }, (_, i) => 4070 + i),
  ];
  /** Where two byte arrays first differ (-1: equal); a failure names the frame. */
  const firstDifference = (a: Uint8Array, b: Uint8Array) => {
    if (a.length !== b.length) return Math.min(a.length, b.length);
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
    return -1;
  };

  it('every length 0–300 and 4070–4110, any source byteOffset: equals the reference, pooled twin and unmasked', () => {
    const maskSource = createMaskKeySource(seededFill(11), 8192);
    const twin = createMaskKeySource(seededFill(11), 8192);
    const kept: [string, Uint8Array, Uint8Array][] = [];
    for (const n of dispatchLengths) {
      for (let offset = 0; offset < 8; offset++) {
        const backing = new Uint8Array(n + offset + 5).map((_, i) => (i * 29 + n) & 0xff);
        const frame = plain(2, backing.subarray(offset, offset + n));
        const before = backing.slice();
        const key = new Uint8Array(4);
        twin.next(key, 0);
        kept.push([
          `masked ${n} B at offset ${offset}`,
          encodeFrame(frame, { mask: true, maskSource }),
          referenceEncode(frame, key),
        ]);
        kept.push([
          `unmasked ${n} B at offset ${offset}`,
          encodeFrame(frame),
          referenceEncode(frame),
        ]);
        expect(firstDifference(backing, before)).toBe(-1);
      }
    }
    // Compared after all were made: a later frame must not have written over an earlier one.
    for (const [name, out, expected] of kept) {
      expect([name, firstDifference(out, expected)]).toEqual([name, -1]);
    }
  });

  it('every length 0–300 and 4070–4110, any source byteOffset: the default source masks with the key it writes', () => {
    for (const n of dispatchLengths) {
      for (let offset = 0; offset < 4; offset++) {
        const backing = new Uint8Array(n + offset).map((_, i) => (i * 17 + offset) & 0xff);
        const frame = plain(10, backing.subarray(offset));
        const out = encodeFrame(frame, { mask: true });
        const keyAt = n <= 125 ? 2 : 4;
        const expected = referenceEncode(frame, out.slice(keyAt, keyAt + 4));
        expect([n, offset, firstDifference(out, expected)]).toEqual([n, offset, -1]);
      }
    }
  });

  it('the default source: a random key per frame, and the frame decodes back', () => {
    for (const n of fusedLengths) {
      const payload = new Uint8Array(n).map((_, i) => (i * 5 + 1) & 0xff);
      const out = encodeFrame({ opcode: 2, payload }, { mask: true });
      const keyAt = n <= 125 ? 2 : n <= 65535 ? 4 : 10;
      const key = out.slice(keyAt, keyAt + 4);
      expect(out).toEqual(referenceEncode(plain(2, payload), key));
    }
  });
});
