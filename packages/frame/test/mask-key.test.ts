import { describe, expect, it } from 'vitest';
import { createMaskKeySource, defaultMaskKeySource, PooledMaskKeySource } from '../src/mask-key.js';

/** A deterministic fill: 0, 1, 2, … continuing across calls; counts its calls. */
function countingFill() {
  let next = 0;
  const fill = (bytes: Uint8Array) => {
    fill.calls++;
    for (let i = 0; i < bytes.length; i++) bytes[i] = next++ & 0xff;
  };
  fill.calls = 0;
  return fill;
}

describe('createMaskKeySource', () => {
  it('is deterministic with an injected fill', () => {
    const source = createMaskKeySource(countingFill(), 16);
    const target = new Uint8Array(12);
    source.next(target, 0);
    source.next(target, 4);
    source.next(target, 8);
    expect([...target]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('writes only the 4 bytes at the offset', () => {
    const source = createMaskKeySource(countingFill(), 8);
    const target = new Uint8Array(8).fill(0xee);
    source.next(target, 3);
    expect([...target]).toEqual([0xee, 0xee, 0xee, 0, 1, 2, 3, 0xee]);
  });

  it('refills in blocks of poolSize bytes, one fill call per poolSize / 4 keys', () => {
    const fill = countingFill();
    const source = createMaskKeySource(fill, 16);
    const target = new Uint8Array(4);
    expect(fill.calls).toBe(0); // lazily filled
    for (let k = 1; k <= 9; k++) {
      source.next(target, 0);
      expect(fill.calls).toBe(Math.ceil(k / 4));
      expect([...target]).toEqual([4 * (k - 1), 4 * (k - 1) + 1, 4 * (k - 1) + 2, 4 * (k - 1) + 3]);
    }
  });

  it('hands the fill the whole pool every time', () => {
    const sizes: number[] = [];
    const source = createMaskKeySource((bytes) => sizes.push(bytes.length), 64);
    const target = new Uint8Array(4);
    for (let k = 0; k < 40; k++) source.next(target, 0);
    expect(sizes).toEqual([64, 64, 64]);
  });

  it('throws for a bad pool size or fill', () => {
    expect(() => createMaskKeySource(undefined, 0)).toThrow(RangeError);
    expect(() => createMaskKeySource(undefined, 6)).toThrow(RangeError);
    expect(() => createMaskKeySource(undefined, 65540)).toThrow(RangeError);
    expect(() => createMaskKeySource(undefined, 4.5)).toThrow(RangeError);
    expect(() => createMaskKeySource(42 as unknown as () => void)).toThrow(TypeError);
  });

  it('uses crypto.getRandomValues by default, and the keys differ', () => {
    const source = createMaskKeySource(undefined, 65536);
    const seen = new Set<number>();
    const target = new Uint8Array(4);
    const view = new DataView(target.buffer);
    for (let k = 0; k < 20000; k++) {
      source.next(target, 0);
      seen.add(view.getUint32(0));
    }
    // 20,000 draws from 2^32 values: a collision is possible but a handful is not.
    expect(seen.size).toBeGreaterThan(19990);
  });
});

describe('defaultMaskKeySource', () => {
  it('writes 4 random bytes', () => {
    const a = new Uint8Array(4);
    const b = new Uint8Array(4);
    defaultMaskKeySource.next(a, 0);
    defaultMaskKeySource.next(b, 0);
    expect(a).not.toEqual(b);
  });
});

describe('PooledMaskKeySource.nextWord (@internal, the encoder’s 32-bit key read)', () => {
  it('stores as the same 4 bytes next() writes, key after key, across refills', () => {
    let counter = 0;
    const fill = (bytes: Uint8Array) => {
      for (let i = 0; i < bytes.length; i++) bytes[i] = (counter++ * 29 + 3) & 0xff;
    };
    const words = createMaskKeySource(fill, 12);
    expect(words).toBeInstanceOf(PooledMaskKeySource);
    if (!(words instanceof PooledMaskKeySource)) return;
    counter = 0;
    const got: number[] = [];
    for (let i = 0; i < 10; i++) got.push(words.nextWord());
    counter = 0;
    const bytes = createMaskKeySource(fill, 12);
    for (const word of got) {
      const expected = new Uint8Array(4);
      bytes.next(expected, 0);
      expect(new Uint8Array(Int32Array.of(word).buffer)).toEqual(expected);
    }
  });
});
