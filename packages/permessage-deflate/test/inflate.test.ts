import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INFLATE_CHUNK_SIZE, Inflater } from '../src/inflate.js';
import { hex } from './helpers.js';

const text = (data: Uint8Array): string => new TextDecoder().decode(data);
const LIMIT = 64 * 1024 * 1024;

async function inflateAll(inflater: Inflater, payloads: Uint8Array[]): Promise<string[]> {
  const out: string[] = [];
  for (const payload of payloads) {
    const result = await inflater.inflate(payload, LIMIT);
    if (!result.ok) throw new Error(result.message);
    out.push(text(result.data));
  }
  return out;
}

describe('Inflater: RFC 7692 §7.2.3 examples', () => {
  it('§7.2.3.1: "Hello" from f2 48 cd c9 c9 07 00', async () => {
    expect(await inflateAll(new Inflater(15, false), [hex('f2 48 cd c9 c9 07 00')])).toEqual([
      'Hello',
    ]);
  });

  it('§7.2.3.2: a second message using the shared window (f2 00 11 00 00)', async () => {
    const payloads = [hex('f2 48 cd c9 c9 07 00'), hex('f2 00 11 00 00')];
    expect(await inflateAll(new Inflater(15, false), payloads)).toEqual(['Hello', 'Hello']);
  });

  it('§7.2.3.2: with no context takeover the window is empty again, so the back reference fails', async () => {
    const inflater = new Inflater(15, true);
    expect(await inflateAll(inflater, [hex('f2 48 cd c9 c9 07 00')])).toEqual(['Hello']);
    const second = await inflater.inflate(hex('f2 00 11 00 00'), LIMIT);
    expect(second).toMatchObject({ ok: false, kind: 'corrupt' });
  });

  it('§7.2.3.3: a DEFLATE block with no compression', async () => {
    expect(
      await inflateAll(new Inflater(15, false), [hex('00 05 00 fa ff 48 65 6c 6c 6f 00')]),
    ).toEqual(['Hello']);
  });

  it('§7.2.3.4: a block with BFINAL set; the next message starts a new stream', async () => {
    const inflater = new Inflater(15, false);
    expect(
      await inflateAll(inflater, [hex('f3 48 cd c9 c9 07 00 00'), hex('f2 48 cd c9 c9 07 00')]),
    ).toEqual(['Hello', 'Hello']);
  });

  it('§7.2.3.5: two DEFLATE blocks in one message', async () => {
    expect(
      await inflateAll(new Inflater(15, false), [hex('f2 48 05 00 00 00 ff ff ca c9 c9 07 00')]),
    ).toEqual(['Hello']);
  });

  it('§7.2.3.6: an empty message is one byte, 00', async () => {
    expect(
      await inflateAll(new Inflater(15, false), [hex('00'), hex('f2 48 cd c9 c9 07 00')]),
    ).toEqual(['', 'Hello']);
  });
});

describe('Inflater: bounds and bad data', () => {
  it('stops a 64 MiB decompression bomb at a 1 MiB limit (1009)', async () => {
    const bomb = deflateRawSync(new Uint8Array(64 * 1024 * 1024)); // about 64 KiB
    expect(bomb.length).toBeLessThan(100 * 1024);
    const limit = 1024 * 1024;
    const inflater = new Inflater(15, false);
    const result = await inflater.inflate(bomb, limit);
    expect(result).toMatchObject({
      ok: false,
      kind: 'too-large',
      message: 'inflated message of more than 1048576 bytes',
    });
  });

  it('produces at most the limit plus one zlib chunk before stopping', async () => {
    const bomb = deflateRawSync(new Uint8Array(8 * 1024 * 1024));
    const inflater = new Inflater(15, false);
    for (const limit of [0, 1, 1000, 100_000, 1_000_000]) {
      const result = await inflater.inflate(bomb, limit);
      expect(result.ok).toBe(false);
      if (!result.ok && result.kind === 'too-large') {
        expect(result.inflated).toBeGreaterThan(limit);
        expect(result.inflated).toBeLessThanOrEqual(limit + INFLATE_CHUNK_SIZE);
      } else throw new Error('expected too-large');
    }
    // A bounded failure leaves no state behind: the next message gets a new stream.
    const again = await inflater.inflate(hex('f2 48 cd c9 c9 07 00'), 5);
    expect(again.ok && text(again.data)).toBe('Hello');
  });

  it('accepts a message of exactly the limit', async () => {
    const data = new Uint8Array(50_000).fill(97);
    const result = await new Inflater(15, false).inflate(
      deflateRawSync(data, { finishFlush: 2 }),
      50_000,
    );
    expect(result.ok && result.data.length).toBe(50_000);
    const over = await new Inflater(15, false).inflate(deflateRawSync(data), 49_999);
    expect(over).toMatchObject({ ok: false, kind: 'too-large' });
  });

  it('reports corrupt data as a value (1007), and recovers with a new stream', async () => {
    const inflater = new Inflater(15, false);
    const result = await inflater.inflate(hex('ff ff ff ff'), LIMIT);
    expect(result).toMatchObject({ ok: false, kind: 'corrupt' });
    expect(await inflateAll(inflater, [hex('f2 48 cd c9 c9 07 00')])).toEqual(['Hello']);
  });

  it('never throws and never exceeds the limit on random input (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (garbage) => {
        const result = await new Inflater(15, false).inflate(garbage, 1000);
        if (result.ok) expect(result.data.length).toBeLessThanOrEqual(1000);
      }),
      { numRuns: 200 },
    );
  });

  it('close() during an inflate settles it', async () => {
    const inflater = new Inflater(15, false);
    const pending = inflater.inflate(deflateRawSync(new Uint8Array(4 * 1024 * 1024)), LIMIT);
    inflater.close();
    const result = await pending;
    expect(result.ok === false || result.data.length === 4 * 1024 * 1024).toBe(true);
  });
});
