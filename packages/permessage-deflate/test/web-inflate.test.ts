import { constants, createDeflateRaw, deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Deflater } from '../src/deflate.js';
import { WebInflater } from '../src/web-inflate.js';
import { hex } from './helpers.js';
import { concat, StrictDecompressionStream, text, utf8 } from './web-helpers.js';

const LIMIT = 64 * 1024 * 1024;

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Node 20's own DecompressionStream (lenient about data after BFINAL), and a strict one. */
const RUNTIMES = [
  ['native', () => {}],
  [
    'strict (Node 24 / Bun rules)',
    () => vi.stubGlobal('DecompressionStream', StrictDecompressionStream),
  ],
] as const;

async function inflateText(payload: Uint8Array, inflater = new WebInflater()): Promise<string> {
  const result = await inflater.inflate(payload, LIMIT);
  if (!result.ok) throw new Error(result.message);
  return text(result.data);
}

/** node:zlib's three ways to end a message (RFC 7692 §7.2.1, §7.2.3.4). */
function zlibForms(data: Uint8Array): [string, Uint8Array][] {
  const flushed = deflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH });
  expect([...flushed.subarray(-4)]).toEqual([0x00, 0x00, 0xff, 0xff]);
  const final = deflateRawSync(data);
  return [
    ['sync flush, tail removed', flushed.subarray(0, -4)],
    ['BFINAL then 00', concat(final, hex('00'))],
    ['BFINAL only', final],
  ];
}

describe.each(RUNTIMES)('WebInflater on the %s DecompressionStream', (_, setup) => {
  it.each<[string, string, string]>([
    ['§7.2.3.1 one compressed block', 'f2 48 cd c9 c9 07 00', 'Hello'],
    ['§7.2.3.3 a stored block', '00 05 00 fa ff 48 65 6c 6c 6f 00', 'Hello'],
    ['§7.2.3.4 a block with BFINAL set, then 00', 'f3 48 cd c9 c9 07 00 00', 'Hello'],
    ['a block with BFINAL set and nothing after', 'f3 48 cd c9 c9 07 00', 'Hello'],
    ['§7.2.3.5 two blocks', 'f2 48 05 00 00 00 ff ff ca c9 c9 07 00', 'Hello'],
    ['§7.2.3.6 the empty message', '00', ''],
  ])('%s: %s', async (_, payload, expected) => {
    setup();
    expect(await inflateText(hex(payload))).toBe(expected);
  });

  it("§7.2.3.2: the second message needs the first one's window, which this path never keeps (1007)", async () => {
    setup();
    const inflater = new WebInflater();
    expect(await inflateText(hex('f2 48 cd c9 c9 07 00'), inflater)).toBe('Hello');
    expect(await inflater.inflate(hex('f2 00 11 00 00'), LIMIT)).toMatchObject({
      ok: false,
      kind: 'corrupt',
    });
  });

  it('decodes node:zlib messages in all three endings, interleaved (property)', async () => {
    setup();
    const inflater = new WebInflater();
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 3000 }), fc.string({ maxLength: 2000 }).map(utf8)),
        async (data) => {
          for (const [, payload] of zlibForms(data)) {
            const result = await inflater.inflate(payload, LIMIT);
            expect(result.ok && Buffer.from(result.data)).toEqual(Buffer.from(data));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('decodes what our node:zlib Deflater sends without context takeover', async () => {
    setup();
    const deflater = new Deflater(15, true);
    const inflater = new WebInflater();
    for (const message of ['Hello', 'x'.repeat(40_000), '', JSON.stringify({ a: [1, 2, 3] })]) {
      expect(await inflateText(await deflater.deflate(utf8(message)), inflater)).toBe(message);
    }
  });

  it('reports corrupt data and an empty payload as values (1007)', async () => {
    setup();
    const inflater = new WebInflater();
    for (const payload of [hex('ff ff ff ff'), new Uint8Array(0), hex('f2 48 cd')]) {
      expect(await inflater.inflate(payload, LIMIT)).toMatchObject({ ok: false, kind: 'corrupt' });
    }
    expect(await inflateText(hex('f2 48 cd c9 c9 07 00'), inflater)).toBe('Hello');
  });

  it('never throws and never exceeds the limit on random input (property)', async () => {
    setup();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (garbage) => {
        const result = await new WebInflater().inflate(garbage, 1000);
        if (result.ok) expect(result.data.length).toBeLessThanOrEqual(1000);
      }),
      { numRuns: 150 },
    );
  });
});

describe('WebInflater: the ending that worked last is tried first', () => {
  it('on a strict runtime a peer that always ends with BFINAL costs one stream per message', async () => {
    vi.stubGlobal('DecompressionStream', StrictDecompressionStream);
    const inflater = new WebInflater();
    const streams = async (payload: string): Promise<number> => {
      const before = StrictDecompressionStream.created;
      expect(await inflateText(hex(payload), inflater)).toBe('Hello');
      return StrictDecompressionStream.created - before;
    };
    const bfinal = 'f3 48 cd c9 c9 07 00 00';
    const flushed = 'f2 48 cd c9 c9 07 00';
    // flushed first: fails on the trailing data, then the §7.2.3.4 reading works.
    expect(await streams(bfinal)).toBe(2);
    expect(await streams(bfinal)).toBe(1);
    expect(await streams(bfinal)).toBe(1);
    // A flushed message now costs three tries (both BFINAL readings end too early), once.
    expect(await streams(flushed)).toBe(3);
    expect(await streams(flushed)).toBe(1);
  });
});

describe('WebInflater: bounded inflation', () => {
  it('stops a 2 MiB bomb at a 1 MiB limit (1009) after at most one more 16 KiB chunk, in every ending', async () => {
    const limit = 1024 * 1024;
    for (const [, bomb] of zlibForms(new Uint8Array(2 * 1024 * 1024))) {
      expect(bomb.length).toBeLessThan(4 * 1024);
      const result = await new WebInflater().inflate(bomb, limit);
      expect(result).toMatchObject({
        ok: false,
        kind: 'too-large',
        message: 'inflated message of more than 1048576 bytes',
      });
      if (!result.ok && result.kind === 'too-large') {
        expect(result.inflated).toBeGreaterThan(limit);
        expect(result.inflated).toBeLessThanOrEqual(limit + 16 * 1024);
      }
    }
  });

  it('accepts a message of exactly the limit and refuses one byte less of limit', async () => {
    const data = new Uint8Array(50_000).fill(97);
    const payload = deflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH }).subarray(0, -4);
    const exact = await new WebInflater().inflate(payload, 50_000);
    expect(exact.ok && exact.data.length).toBe(50_000);
    expect(await new WebInflater().inflate(payload, 49_999)).toMatchObject({ kind: 'too-large' });
  });

  it('holds memory to the limit: a 256 MiB bomb never raises ArrayBuffer memory by 64 MiB', async () => {
    // About 256 KiB of DEFLATE built from a 1 MiB buffer, so the test itself stays small.
    const bomb = await new Promise<Uint8Array>((resolve) => {
      const stream = createDeflateRaw();
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => resolve(Buffer.concat(chunks)));
      const zeros = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < 256; i++) stream.write(zeros);
      stream.end();
    });
    const base = process.memoryUsage().arrayBuffers;
    let peak = base;
    const sample = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    }, 1);
    const result = await new WebInflater().inflate(bomb, 1024 * 1024);
    await new Promise((resolve) => setTimeout(resolve, 50));
    clearInterval(sample);
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    expect(result).toMatchObject({ ok: false, kind: 'too-large' });
    expect(peak - base).toBeLessThan(64 * 1024 * 1024);
  });
});
