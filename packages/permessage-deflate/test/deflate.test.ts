import { constants, inflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Deflater } from '../src/deflate.js';
import { Inflater } from '../src/inflate.js';
import { toHex } from './helpers.js';

const hello = new TextEncoder().encode('Hello');

describe('Deflater (RFC 7692 §7.2.1)', () => {
  it('§7.2.3.1: "Hello" compresses to f2 48 cd c9 c9 07 00 (tail removed)', async () => {
    expect(toHex(await new Deflater(15, false).deflate(hello))).toBe('f2 48 cd c9 c9 07 00');
  });

  it('§7.2.3.2: context takeover — the second "Hello" is a back reference, f2 00 11 00 00', async () => {
    const deflater = new Deflater(15, false);
    await deflater.deflate(hello);
    expect(toHex(await deflater.deflate(hello))).toBe('f2 00 11 00 00');
  });

  it('no context takeover: every message compresses as the first one', async () => {
    const deflater = new Deflater(15, true);
    expect(toHex(await deflater.deflate(hello))).toBe('f2 48 cd c9 c9 07 00');
    expect(toHex(await deflater.deflate(hello))).toBe('f2 48 cd c9 c9 07 00');
  });

  it('§7.2.3.6: an empty message becomes the single byte 00', async () => {
    expect(toHex(await new Deflater(15, false).deflate(new Uint8Array(0)))).toBe('00');
  });

  it('the output plus the tail is what zlib inflates back', async () => {
    const data = new TextEncoder().encode(JSON.stringify({ items: Array(200).fill({ a: 1 }) }));
    const out = await new Deflater(15, false).deflate(data);
    const inflated = inflateRawSync(Buffer.concat([out, Buffer.from([0, 0, 0xff, 0xff])]), {
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    expect(new Uint8Array(inflated)).toEqual(data);
  });

  it('round-trips any sequence of messages through an Inflater, with and without takeover (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 2000 }),
            fc.string().map((s) => new TextEncoder().encode(s.repeat(20))),
          ),
          { maxLength: 6 },
        ),
        fc.integer({ min: 9, max: 15 }),
        fc.boolean(),
        async (messages, bits, reset) => {
          const deflater = new Deflater(bits, reset);
          const inflater = new Inflater(bits, reset);
          for (const message of messages) {
            const result = await inflater.inflate(await deflater.deflate(message), 1 << 20);
            expect(result.ok && result.data).toEqual(message);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('Deflater.close()', () => {
  it('settles a message being compressed (rejects), and the next message starts a new stream', async () => {
    const deflater = new Deflater(15, false);
    const pending = deflater.deflate(new Uint8Array(4 * 1024 * 1024).fill(1));
    deflater.close();
    await expect(pending).rejects.toThrow(/closed/);
    expect(toHex(await deflater.deflate(hello))).toBe('f2 48 cd c9 c9 07 00');
  });
});
