import { createHash, hash as cryptoHash } from 'node:crypto';
import { sha1 as nobleSha1 } from '@noble/hashes/legacy.js';
import { equalBytes, MiB, toHex } from '../bytes.js';
import { opCandidate } from '../harness/timing.js';
import type { Candidate, Section, SectionContext } from '../harness/types.js';
import { loadSha1, type Sha1Api } from '../implementations/ours.js';
import { Prng } from '../prng.js';

/** FIPS 180-4 example vectors (NIST CSRC "Examples with Intermediate Values", SHA-1). */
export const SHA1_VECTORS: readonly { input: string | (() => Uint8Array); hex: string }[] = [
  { input: '', hex: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
  { input: 'abc', hex: 'a9993e364706816aba3e25717850c26c9cd0d89d' },
  {
    input: 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
    hex: '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
  },
  {
    input:
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
    hex: 'a49b2446a02c645bf419f995b67091253a04a259',
  },
  {
    input: () => new Uint8Array(1_000_000).fill(0x61),
    hex: '34aa973cd4c4daa4f61eeb2bdbad27316534016f',
  },
  // RFC 6455 §1.3: the Sec-WebSocket-Accept computation hashes key + GUID (60 bytes).
  {
    input: 'dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11',
    hex: 'b37a4f2cc0624f1690f64606cf385945b2bec4ea',
  },
];

const nodeSha1 = (data: Uint8Array): Uint8Array => createHash('sha1').update(data).digest();

/** Verifies `api` against the vectors and node:crypto; every problem is a failed check. */
export function checkSha1(ctx: SectionContext, api: Sha1Api): void {
  const encoder = new TextEncoder();
  ctx.verify('sha1: FIPS 180-4 and RFC 6455 vectors', () => {
    for (const { input, hex } of SHA1_VECTORS) {
      const bytes = typeof input === 'string' ? encoder.encode(input) : input();
      const got = toHex(api.sha1(bytes));
      if (got !== hex) return `sha1(${bytes.length} bytes) = ${got}, expected ${hex}`;
      if (typeof input === 'string' && api.sha1Hex(input) !== hex)
        return `sha1Hex('${input.slice(0, 20)}…') = ${api.sha1Hex(input)}, expected ${hex}`;
    }
  });
  ctx.verify(
    'sha1: agrees with node:crypto for every length 0–300 and 20 sizes up to 200 KiB',
    () => {
      const prng = new Prng(0x5a1);
      const lengths = [...Array.from({ length: 301 }, (_, i) => i)];
      for (let i = 0; i < 20; i++) lengths.push(prng.int(301, 200 * 1024));
      for (const length of lengths) {
        const data = prng.bytes(length);
        const expected = nodeSha1(data);
        if (!equalBytes(api.sha1(data), expected))
          return `sha1 differs from node:crypto at length ${length}`;
        const incremental = new api.Sha1();
        for (let at = 0; at < length; ) {
          const take = Math.min(length - at, prng.int(0, 130));
          incremental.update(data.subarray(at, at + take));
          at += take;
        }
        if (!equalBytes(incremental.digest(), expected))
          return `Sha1 with random update() splits differs from node:crypto at length ${length}`;
      }
    },
  );
  ctx.verify('sha1: string input is hashed as UTF-8', () => {
    for (const text of ['', 'é', '€uro ✓', '𝄞 music', 'ascii only']) {
      const expected = toHex(nodeSha1(encoder.encode(text)));
      if (toHex(api.sha1(text)) !== expected)
        return `sha1(${JSON.stringify(text)}) is not the UTF-8 hash`;
    }
  });
}

function candidates(api: Sha1Api, data: Uint8Array): Candidate[] {
  const list: Candidate[] = [
    opCandidate('ours', 'ours', () => api.sha1(data)),
    opCandidate('node:crypto createHash', 'reference', () =>
      createHash('sha1').update(data).digest(),
    ),
  ];
  if (typeof cryptoHash === 'function')
    list.push(
      opCandidate('node:crypto hash', 'reference', () => cryptoHash('sha1', data, 'buffer')),
    );
  list.push(opCandidate('@noble/hashes', 'reference', () => nobleSha1(data)));
  return list;
}

export const sha1Section: Section = {
  id: 'sha1',
  title: 'sha1 part',
  async run(ctx) {
    ctx.log('### sha1 part check');
    const loaded = await loadSha1();
    if (!loaded.ok) return ctx.unavailable('@ws/sha1', loaded.reason);
    const before = Date.now();
    checkSha1(ctx, loaded.api);
    ctx.log(
      `### sha1 part ${ctx.failedChecks() === 0 ? 'look fine' : 'FAILED'} (${Date.now() - before} ms)`,
    );
    const prng = new Prng(0x5a2);
    const small = prng.bytes(60);
    await ctx.bench({
      id: 'sha1.60B',
      title: 'sha1 60b (accept key)',
      bytesPerOp: 60,
      candidates: candidates(loaded.api, small),
    });
    const large = prng.bytes(MiB);
    await ctx.bench({
      id: 'sha1.1MiB',
      title: 'sha1 1MiB',
      bytesPerOp: MiB,
      candidates: candidates(loaded.api, large),
    });
  },
};
