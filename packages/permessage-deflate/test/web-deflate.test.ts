import { constants, createInflateRaw, inflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Inflater } from '../src/inflate.js';
import { deflateMessage } from '../src/web-deflate.js';
import { hex, toHex } from './helpers.js';
import { concat, text, utf8 } from './web-helpers.js';

const TAIL = hex('00 00 ff ff');

/** What a zlib-based receiver does (RFC 7692 §7.2.2): append the tail, inflate with a sync flush. */
function zlibReceive(payload: Uint8Array, windowBits = 15): Uint8Array {
  return inflateRawSync(concat(payload, TAIL), {
    windowBits: Math.max(windowBits, 9),
    finishFlush: constants.Z_SYNC_FLUSH,
  });
}

describe('deflateMessage (CompressionStream, RFC 7692 §7.2.1)', () => {
  it('"Hello" is the §7.2.3.4 example byte for byte: a BFINAL block, then 00', async () => {
    expect(toHex(await deflateMessage(utf8('Hello')))).toBe('f3 48 cd c9 c9 07 00 00');
  });

  it('an empty message is a final empty block then 00, and zlib reads it as empty (§7.2.3.6)', async () => {
    const out = await deflateMessage(new Uint8Array(0));
    expect(toHex(out)).toBe('03 00 00');
    expect(zlibReceive(out).length).toBe(0);
  });

  it('every output ends with the 0x00 octet and zlib decodes it as §7.2.2 says (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ maxLength: 5000 }),
          fc.string({ maxLength: 3000 }).map(utf8),
          fc
            .array(fc.constantFrom('{"id":', '1', ',"ok":true}', ' '), { maxLength: 500 })
            .map((a) => utf8(a.join(''))),
        ),
        async (data) => {
          const out = await deflateMessage(data);
          expect(out.at(-1)).toBe(0);
          expect(zlibReceive(out)).toEqual(Buffer.from(data));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('compresses: 40 KiB of JSON to under a fifth', async () => {
    const data = utf8(JSON.stringify(Array.from({ length: 2000 }, (_, i) => ({ i, ok: true }))));
    const out = await deflateMessage(data);
    expect(out.length).toBeLessThan(data.length / 5);
    expect(zlibReceive(out)).toEqual(Buffer.from(data));
  });

  it('our node:zlib Inflater (no context takeover) decodes a run of them, each a new stream', async () => {
    const inflater = new Inflater(15, true);
    for (const message of ['Hello', 'Hello', 'x'.repeat(5000), '', 'Hello again']) {
      const result = await inflater.inflate(await deflateMessage(utf8(message)), 1 << 20);
      expect(result.ok && text(result.data)).toBe(message);
    }
  });

  // Why a message of at most 2^n bytes is valid for a window of 2^n (WebPerMessageDeflate sends
  // longer ones uncompressed): with no context takeover no distance reaches before its start.
  it.each([10, 12, 14])(
    'a message of 2^%i bytes inflates with a window of exactly that size (and not one smaller)',
    async (bits) => {
      const size = 2 ** bits;
      // Pseudo-random bytes whose last 258 repeat the first 258: one match, as far back as the
      // message allows (distance 2^n - 258).
      const data = new Uint8Array(size);
      let seed = bits;
      for (let i = 0; i < size - 258; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        data[i] = seed >>> 24;
      }
      data.copyWithin(size - 258, 0, 258);
      const out = await deflateMessage(data);
      expect(out.length).toBeLessThan(size - 200);
      // zlib also reaches into its current output buffer, so a 64-byte one makes the window the
      // limit.
      const inflate = (windowBits: number) =>
        new Promise<Buffer>((resolve, reject) => {
          const stream = createInflateRaw({
            windowBits,
            chunkSize: 64,
            finishFlush: constants.Z_SYNC_FLUSH,
          });
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => resolve(Buffer.concat(chunks)));
          stream.end(concat(out, TAIL));
        });
      expect(await inflate(bits)).toEqual(Buffer.from(data));
      await expect(inflate(bits - 1)).rejects.toThrow(/distance too far back/);
    },
  );
});
