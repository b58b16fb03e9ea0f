import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../src/encoder.js';
import { outputPool } from '../src/pool.js';
import { referenceEncode } from './vectors.js';

const frameOf = (n: number, seed: number) => ({
  fin: true,
  rsv1: false,
  rsv2: false,
  rsv3: false,
  opcode: 2,
  payload: new Uint8Array(n).map((_, i) => (i * 7 + seed) & 0xff),
});

describe('outputPool', () => {
  it('puts byte alignAt of every region on an 8-byte boundary', () => {
    for (let i = 0; i < 2000; i++) {
      const alignAt = i % 15;
      const size = alignAt + (i % 300);
      const out = outputPool.allocate(size, alignAt);
      expect(out.length).toBe(size);
      expect((out.byteOffset + alignAt) % 8).toBe(0);
      expect(outputPool.wordIndex * 4).toBe(out.byteOffset + alignAt);
    }
  });

  it('never hands out overlapping regions: earlier frames survive later ones, across slabs', () => {
    const kept: [Uint8Array, Uint8Array][] = [];
    // 3000 frames of up to ~300 bytes fill several 64 KiB slabs.
    for (let i = 0; i < 3000; i++) {
      const f = frameOf(i % 300, i);
      const key = new Uint8Array([i & 0xff, 0x5a, 0xa5, (i >> 8) & 0xff]);
      kept.push([encodeFrame(f, { mask: key }), referenceEncode(f, key)]);
    }
    for (const [out, expected] of kept) expect(out).toEqual(expected);
  });

  it('gives large outputs a buffer of their own', () => {
    const out = outputPool.allocate(5000, 0);
    expect(out.byteOffset).toBe(0);
    expect(out.buffer.byteLength).toBe(5000);
    expect(outputPool.wordIndex).toBe(-1);
  });

  it('recovers when a caller transfers (detaches) the slab', () => {
    const first = encodeFrame(frameOf(100, 1), { mask: new Uint8Array([1, 2, 3, 4]) });
    structuredClone(first.buffer, { transfer: [first.buffer] });
    expect(first.buffer.byteLength).toBe(0);
    const f = frameOf(100, 2);
    const key = new Uint8Array([9, 8, 7, 6]);
    expect(encodeFrame(f, { mask: key })).toEqual(referenceEncode(f, key));
    expect(encodeFrame(f)).toEqual(referenceEncode(f));
  });

  it('stays correct when a mask key source encodes frames itself (re-entrant allocation)', () => {
    let calls = 0;
    const maskSource = {
      next(target: Uint8Array, offset: number) {
        calls++;
        // Allocates from the pool between encodeFrame's allocation and its masking.
        for (let i = 0; i < 50; i++) encodeFrame(frameOf(300, i), { mask: new Uint8Array(4) });
        target.set([0x11, 0x22, 0x33, 0x44], offset);
      },
    };
    for (const n of [10, 64, 100, 2000]) {
      const f = frameOf(n, n);
      const out = encodeFrame(f, { mask: true, maskSource });
      expect(out).toEqual(referenceEncode(f, new Uint8Array([0x11, 0x22, 0x33, 0x44])));
    }
    expect(calls).toBe(4);
  });
});
