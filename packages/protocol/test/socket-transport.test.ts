import { describe, expect, it } from 'vitest';
import { SocketTransport } from '../src/node/index.js';

describe('SocketTransport output buffers', () => {
  const allocate = new SocketTransport({} as never).allocateOutput;

  it('hands out Buffers of exactly the size asked, none overlapping another', () => {
    // Pooled by Node below 4 KiB, their own memory above.
    const sizes = [1, 100, 4095, 4096, 5000, 16_400, 32 * 1024, 32 * 1024 + 1, 70_000];
    const buffers: Uint8Array[] = [];
    for (let round = 0; round < 20; round++) {
      for (const size of sizes) {
        const buffer = allocate(size);
        expect(buffer.length).toBe(size);
        // socket.write takes a Buffer as is; a plain Uint8Array would be wrapped on every write.
        expect(Buffer.isBuffer(buffer)).toBe(true);
        buffer.fill(buffers.length & 0xff);
        buffers.push(buffer);
      }
    }
    buffers.forEach((buffer, i) => {
      expect(buffer.every((byte) => byte === (i & 0xff))).toBe(true);
    });
  });
});
