import { describe, expect, it } from 'vitest';
import { BUFFERUTIL_MIN, loadBufferutil, nativeUnmask } from '../src/node/bufferutil.js';
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
