import { describe, expect, it } from 'vitest';
import {
  BUFFERUTIL_MIN,
  loadBufferutil,
  nativeUnmask,
  nativeUnmaskCopy,
} from '../src/node/bufferutil.js';
import { SocketTransport } from '../src/node/index.js';

/** §5.3 byte by byte, with the key packed as FrameDecoder passes it (key[0] in the low byte). */
function reference(data: Uint8Array, key: number, phase: number): Uint8Array {
  const out = data.slice();
  for (let i = 0; i < out.length; i++) out[i]! ^= (key >>> (((phase + i) & 3) * 8)) & 0xff;
  return out;
}

function patterned(n: number): Uint8Array {
  const bytes = new Uint8Array(n + 3).subarray(3);
  for (let i = 0; i < n; i++) bytes[i] = (i * 7 + 13) & 0xff;
  return bytes;
}

describe('the optional bufferutil unmask hook', () => {
  it('is installed in this workspace, so the Node binding uses it', () => {
    expect(loadBufferutil()).not.toBeNull();
    const transport = new SocketTransport({} as never);
    expect(transport.unmask).toBe(nativeUnmask);
    expect(transport.unmaskCopy).toBe(nativeUnmaskCopy);
  });

  it('unmasks while copying at every phase and offset like the reference, small pieces too', () => {
    const key = (0x3d21fa37 | 0) >>> 0;
    for (const size of [0, 1, 7, BUFFERUTIL_MIN - 1, BUFFERUTIL_MIN, BUFFERUTIL_MIN + 3, 70_001]) {
      for (let phase = 0; phase < 4; phase++) {
        const source = patterned(size);
        const expected = reference(source, key, phase);
        const target = new Uint8Array(size + 10).fill(0xee);
        nativeUnmaskCopy(source, target, 5, key, phase);
        expect(Buffer.compare(target.subarray(5, 5 + size), expected)).toBe(0);
        // Nothing outside the range, and the source unchanged.
        expect([...target.subarray(0, 5), ...target.subarray(5 + size)]).toEqual(
          new Array(10).fill(0xee),
        );
        expect(Buffer.compare(source, patterned(size))).toBe(0);
      }
    }
  });

  it('unmasks in place when source and target are the same range', () => {
    const key = 0x01020304;
    for (const size of [100, BUFFERUTIL_MIN + 1]) {
      const data = patterned(size);
      nativeUnmaskCopy(data, data, 0, key, 2);
      expect(Buffer.compare(data, reference(patterned(size), key, 2))).toBe(0);
    }
  });

  it('unmasks large pieces at every phase like the reference, and declines small ones', () => {
    const key = (0x3d21fa37 | 0) >>> 0;
    for (const size of [BUFFERUTIL_MIN - 1, BUFFERUTIL_MIN, BUFFERUTIL_MIN + 3, 70_001]) {
      for (let phase = 0; phase < 4; phase++) {
        const data = patterned(size);
        const expected = reference(data, key, phase);
        const taken = nativeUnmask(data, key, phase);
        expect(taken).toBe(size >= BUFFERUTIL_MIN);
        if (taken) expect(Buffer.compare(data, expected)).toBe(0);
        else expect(Buffer.compare(data, patterned(size))).toBe(0);
      }
    }
  });
});
