import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  _maskBytes,
  _maskCopyPlain,
  _maskCopySimd,
  _maskSimd,
  _maskWords,
  _simdAvailable,
  mask,
  maskCopy,
  maskCopyPacked,
  maskPacked,
  packKey,
  unmask,
} from '../src/mask.js';

type Kernel = (data: Uint8Array, key: Uint8Array, phase: number) => void;

const kernels: [string, Kernel][] = [
  ['mask', mask],
  ['_maskBytes', _maskBytes],
  ['_maskWords', _maskWords],
  ['_maskSimd', _maskSimd],
  // The decoder's kernel: the key packed in one integer.
  [
    'maskPacked',
    (data, key, phase) => maskPacked(data, packKey(key[0]!, key[1]!, key[2]!, key[3]!), phase),
  ],
];

type CopyKernel = (
  source: Uint8Array,
  target: Uint8Array,
  targetOffset: number,
  key: Uint8Array,
  phase: number,
) => void;

const copyKernels: [string, CopyKernel][] = [
  ['maskCopy', maskCopy],
  ['_maskCopyPlain', _maskCopyPlain],
  ['_maskCopySimd', _maskCopySimd],
  [
    'maskCopyPacked',
    (source, target, offset, key, phase) =>
      maskCopyPacked(source, target, offset, packKey(key[0]!, key[1]!, key[2]!, key[3]!), phase),
  ],
];

/** The obviously-correct reference: RFC 6455 §5.3, one byte at a time, into a new array. */
function reference(data: Uint8Array, key: Uint8Array, phase: number): Uint8Array {
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = data[i]! ^ key[(phase + i) % 4]!;
  return out;
}

/** Index of the first differing byte, or -1; deep `toEqual` is far too slow at 1 MiB. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const CANARY = 8;

/** A view of `bytes` at `offset` inside a larger buffer whose other bytes are random canaries. */
function placed(bytes: Uint8Array, offset: number, seed: number) {
  const buffer = new Uint8Array(offset + bytes.length + CANARY);
  for (let i = 0; i < buffer.length; i++) buffer[i] = (seed + i * 131) & 0xff;
  const view = buffer.subarray(offset, offset + bytes.length);
  view.set(bytes);
  const before = buffer.slice(0, offset);
  const after = buffer.slice(offset + bytes.length);
  return {
    view,
    untouched: () => {
      expect(buffer.slice(0, offset)).toEqual(before);
      expect(buffer.slice(offset + bytes.length)).toEqual(after);
    },
  };
}

const key4 = fc.uint8Array({ minLength: 4, maxLength: 4 });
const phase = fc.integer({ min: 0, max: 3 });
const offset = fc.integer({ min: 0, max: 7 });

describe.each(kernels)('%s', (_name, kernel) => {
  it('matches the reference for lengths 0–300, byteOffsets 0–7, phases 0–3', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), key4, phase, offset, (data, key, p, off) => {
        const { view, untouched } = placed(data, off, data.length);
        kernel(view, key, p);
        expect(firstDifference(view, reference(data, key, p))).toBe(-1);
        untouched();
      }),
      { numRuns: 500 },
    );
  });

  it('matches the reference at every length 0–300, every offset and phase', () => {
    const key = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);
    for (let len = 0; len <= 300; len++) {
      const data = new Uint8Array(len).map((_, i) => (i * 7 + len) & 0xff);
      for (let off = 0; off < 8; off++) {
        for (let p = 0; p < 4; p++) {
          const { view, untouched } = placed(data, off, len + off);
          kernel(view, key, p);
          expect(firstDifference(view, reference(data, key, p))).toBe(-1);
          untouched();
        }
      }
    }
  });

  it.each([4096, 16_383, 16_384, 16_385, 32_768 + 7, 65_536 + 3, 1_048_576 + 5])(
    'matches the reference at %i bytes',
    (len) => {
      const data = new Uint8Array(len).map((_, i) => (i * 2_654_435_761) >>> 24);
      const key = Uint8Array.of(0x01, 0x80, 0xff, 0x5a);
      for (const [off, p] of [
        [0, 0],
        [1, 3],
        [6, 2],
      ] as const) {
        const { view, untouched } = placed(data, off, 17);
        kernel(view, key, p);
        expect(firstDifference(view, reference(data, key, p))).toBe(-1);
        untouched();
      }
    },
  );

  it('unmasks piece by piece to the same bytes as the whole payload', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        key4,
        phase,
        fc.array(fc.nat(300), { maxLength: 6 }),
        (data, key, p, cuts) => {
          const whole = data.slice();
          kernel(whole, key, p);
          const pieces = data.slice();
          const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
          let start = 0;
          for (const end of [...points, data.length]) {
            kernel(pieces.subarray(start, end), key, (p + start) & 3);
            start = end;
          }
          expect(pieces).toEqual(whole);
        },
      ),
    );
  });

  it('is its own inverse', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), key4, phase, (data, key, p) => {
        const copy = data.slice();
        kernel(copy, key, p);
        kernel(copy, key, p);
        expect(copy).toEqual(data);
      }),
    );
  });
});

describe('mask', () => {
  it('unmasks the RFC 6455 §5.7 masked "Hello" frame payload', () => {
    const frame = Uint8Array.of(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58);
    const payload = frame.subarray(6);
    unmask(payload, frame.subarray(2, 6));
    expect(new TextDecoder().decode(payload)).toBe('Hello');
    expect(frame.subarray(0, 6)).toEqual(Uint8Array.of(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d));
  });

  it('uses only the first 4 bytes of a longer key', () => {
    const data = new Uint8Array(40).fill(0xaa);
    const key = Uint8Array.of(1, 2, 3, 4, 9, 9, 9, 9);
    mask(data, key);
    expect(data).toEqual(reference(new Uint8Array(40).fill(0xaa), key, 0));
  });

  it('throws on caller misuse', () => {
    expect(() => mask(new Uint8Array(8), new Uint8Array(3))).toThrow(RangeError);
    expect(() => mask(new Uint8Array(8), new Uint8Array(4), 4)).toThrow(RangeError);
    expect(() => mask(new Uint8Array(8), new Uint8Array(4), -1)).toThrow(RangeError);
    expect(() => mask(new Uint8Array(8), new Uint8Array(4), 1.5)).toThrow(RangeError);
    expect(() => mask([1, 2] as unknown as Uint8Array, new Uint8Array(4))).toThrow(TypeError);
  });

  it('unmask is mask', () => {
    expect(unmask).toBe(mask);
  });
});

describe('the SIMD and TypeScript kernels', () => {
  it('WebAssembly SIMD is available on this runtime (Node 20), so the SIMD path is the one tested', () => {
    expect(_simdAvailable()).toBe(true);
  });

  it('agree with each other on random payloads, offsets and phases', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 40_000 }),
        key4,
        phase,
        offset,
        (data, key, p, off) => {
          const a = placed(data, off, 1);
          const b = placed(data, off, 1);
          _maskSimd(a.view, key, p);
          _maskWords(b.view, key, p);
          expect(firstDifference(a.view, b.view)).toBe(-1);
          a.untouched();
        },
      ),
      { numRuns: 100 },
    );
  });

  it('maskCopy through SIMD and through TypeScript write the same bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 40_000 }),
        key4,
        phase,
        fc.nat(9),
        (data, key, p, at) => {
          const a = new Uint8Array(data.length + 9);
          const b = new Uint8Array(data.length + 9);
          _maskCopySimd(data, a, at, key, p);
          _maskCopyPlain(data, b, at, key, p);
          expect(firstDifference(a, b)).toBe(-1);
        },
      ),
      { numRuns: 100 },
    );
  });
});

/** Runtimes where the SIMD kernel cannot load, as stand-ins for `globalThis.WebAssembly`. */
const withoutSimd: [string, unknown][] = [
  ['no WebAssembly at all', undefined],
  ['WebAssembly without SIMD', { validate: (): boolean => false }],
  [
    'WebAssembly compilation forbidden (CSP)',
    {
      validate: (): boolean => true,
      Module: () => {
        throw new Error('Refused to compile or instantiate WebAssembly module');
      },
    },
  ],
];

describe.each(withoutSimd)('with %s', (_name, stub) => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('mask and maskCopy fall back to the TypeScript kernels and stay correct', async () => {
    vi.resetModules();
    vi.stubGlobal('WebAssembly', stub);
    const fresh = await import('../src/mask.js');
    expect(fresh._simdAvailable()).toBe(false);
    expect(() => fresh._maskSimd(new Uint8Array(64), new Uint8Array(4), 0)).toThrow(Error);
    const key = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);
    for (const len of [0, 3, 63, 64, 95, 96, 200, 20_000]) {
      const data = new Uint8Array(len).map((_, i) => i * 31);
      for (const [off, p] of [
        [0, 0],
        [3, 1],
        [5, 3],
      ] as const) {
        const { view, untouched } = placed(data, off, len);
        fresh.mask(view, key, p);
        expect(firstDifference(view, reference(data, key, p))).toBe(-1);
        untouched();
        const target = new Uint8Array(len + 2);
        fresh.maskCopy(data, target, 2, key, p);
        expect(firstDifference(target.subarray(2), reference(data, key, p))).toBe(-1);
      }
    }
  });
});

describe.each(copyKernels)('%s', (_name, maskCopy) => {
  it('matches the reference and leaves source and the target around it untouched', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        key4,
        phase,
        offset,
        offset,
        fc.nat(5),
        (data, key, p, srcOff, tgtOff, targetOffset) => {
          const src = placed(data, srcOff, 3);
          const target = new Uint8Array(targetOffset + data.length);
          const tgt = placed(target, tgtOff, 5);
          maskCopy(src.view, tgt.view, targetOffset, key, p);
          expect(src.view).toEqual(data);
          expect(tgt.view.subarray(targetOffset)).toEqual(reference(data, key, p));
          expect(tgt.view.subarray(0, targetOffset)).toEqual(new Uint8Array(targetOffset));
          src.untouched();
          tgt.untouched();
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([16_384, 16_385, 65_536 + 3, 1_048_576 + 5])(
    'matches the reference at %i bytes',
    (len) => {
      const data = new Uint8Array(len).map((_, i) => (i * 2_654_435_761) >>> 24);
      const key = Uint8Array.of(0x01, 0x80, 0xff, 0x5a);
      const target = new Uint8Array(len + 14);
      maskCopy(data, target, 14, key, 1);
      expect(firstDifference(target.subarray(14), reference(data, key, 1))).toBe(-1);
    },
  );

  it('handles a target that overlaps the source in the same buffer', () => {
    for (const len of [5, 31, 32, 64, 100, 200, 20_000]) {
      for (const shift of [-3, -1, 1, 2, 7]) {
        const buffer = new Uint8Array(len + 16).map((_, i) => i * 13);
        const data = buffer.slice(8, 8 + len);
        const key = Uint8Array.of(9, 8, 7, 6);
        maskCopy(buffer.subarray(8, 8 + len), buffer, 8 + shift, key, 2);
        expect(buffer.subarray(8 + shift, 8 + shift + len)).toEqual(reference(data, key, 2));
      }
    }
  });
});

describe('maskCopy', () => {
  it('throws on caller misuse', () => {
    const key = new Uint8Array(4);
    expect(() => maskCopy(new Uint8Array(8), new Uint8Array(8), 1, key)).toThrow(RangeError);
    expect(() => maskCopy(new Uint8Array(8), new Uint8Array(8), -1, key)).toThrow(RangeError);
    expect(() => maskCopy(new Uint8Array(8), new Uint8Array(4), 0, key)).toThrow(RangeError);
    expect(() => maskCopy(new Uint8Array(8), new Uint8Array(8), 0, key.subarray(1))).toThrow(
      RangeError,
    );
    expect(() => maskCopy(new Uint8Array(8), new Uint8Array(8), 0, key, 5)).toThrow(RangeError);
  });
});
