import { base64 as scureBase64 } from '@scure/base';
import { asBuffer, equalBytes, MiB } from '../bytes.js';
import { opCandidate } from '../harness/timing.js';
import type { Candidate, Section, SectionContext } from '../harness/types.js';
import { type Base64Api, loadBase64 } from '../implementations/ours.js';
import { Prng } from '../prng.js';

/** RFC 4648 §10 test vectors. */
export const BASE64_VECTORS: readonly [string, string][] = [
  ['', ''],
  ['f', 'Zg=='],
  ['fo', 'Zm8='],
  ['foo', 'Zm9v'],
  ['foob', 'Zm9vYg=='],
  ['fooba', 'Zm9vYmE='],
  ['foobar', 'Zm9vYmFy'],
];

const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** bytes → binary string for btoa, in slices (String.fromCharCode takes a bounded argument list). */
function binaryString(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192)
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  return out;
}

function fromBinaryString(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

/** Verifies `api` (fast and pure paths) against RFC 4648 and Buffer. */
export function checkBase64(ctx: SectionContext, api: Base64Api): void {
  const paths = [
    ['encode/decode', api.encode, api.decode],
    ['encodePure/decodePure', api.encodePure, api.decodePure],
  ] as const;
  for (const [label, encode, decode] of paths) {
    ctx.verify(`base64 ${label}: RFC 4648 §10 vectors`, () => {
      for (const [plain, encoded] of BASE64_VECTORS) {
        if (encode(latin1(plain)) !== encoded)
          return `encode('${plain}') = '${encode(latin1(plain))}'`;
        if (!equalBytes(decode(encoded), latin1(plain))) return `decode('${encoded}') is wrong`;
      }
    });
    ctx.verify(
      `base64 ${label}: agrees with Buffer for lengths 0–300 and 10 sizes up to 256 KiB (std, url, unpadded)`,
      () => {
        const prng = new Prng(0xb64);
        const lengths = Array.from({ length: 301 }, (_, i) => i);
        for (let i = 0; i < 10; i++) lengths.push(prng.int(301, 256 * 1024));
        for (const length of lengths) {
          const bytes = prng.bytes(length);
          const buffer = asBuffer(bytes);
          const std = buffer.toString('base64');
          const url = buffer.toString('base64url');
          if (encode(bytes) !== std) return `encode differs from Buffer at length ${length}`;
          if (encode(bytes, { url: true, pad: false }) !== url)
            return `encode({url, pad:false}) differs from Buffer base64url at length ${length}`;
          if (encode(bytes, { pad: false }) !== std.replace(/=+$/, ''))
            return `encode({pad:false}) keeps padding at length ${length}`;
          if (!equalBytes(decode(std), bytes)) return `decode(encode(x)) ≠ x at length ${length}`;
          if (!equalBytes(decode(url, { url: true }), bytes))
            return `decode(base64url, {url}) ≠ x at length ${length}`;
        }
      },
    );
    ctx.verify(`base64 ${label}: rejects bad characters and bad padding`, () => {
      for (const bad of ['Zm9v!', 'Zm9=v', 'Zg=', 'Z===', 'Zh==']) {
        let threw = false;
        try {
          decode(bad);
        } catch {
          threw = true;
        }
        if (!threw) return `decode('${bad}') was accepted`;
      }
    });
  }
}

function encodeCandidates(api: Base64Api, bytes: Uint8Array): Candidate[] {
  return [
    opCandidate('ours', 'ours', () => api.encode(bytes)),
    opCandidate('ours encodePure', 'ours', () => api.encodePure(bytes)),
    opCandidate('Buffer', 'reference', () => asBuffer(bytes).toString('base64')),
    opCandidate('btoa', 'reference', () => btoa(binaryString(bytes))),
    opCandidate('@scure/base', 'reference', () => scureBase64.encode(bytes)),
  ];
}

function decodeCandidates(api: Base64Api, text: string): Candidate[] {
  return [
    opCandidate('ours', 'ours', () => api.decode(text)),
    opCandidate('ours decodePure', 'ours', () => api.decodePure(text)),
    opCandidate('Buffer', 'reference', () => Buffer.from(text, 'base64')),
    opCandidate('atob', 'reference', () => fromBinaryString(atob(text))),
    opCandidate('@scure/base', 'reference', () => scureBase64.decode(text)),
  ];
}

export const base64Section: Section = {
  id: 'base64',
  title: 'b64encode part',
  async run(ctx) {
    ctx.log('### b64encode part checking');
    const loaded = await loadBase64();
    if (!loaded.ok) return ctx.unavailable('@ws/base64', loaded.reason);
    const api = loaded.api;
    checkBase64(ctx, api);
    ctx.log(`### b64encode part ${ctx.failedChecks() === 0 ? 'look fine' : 'FAILED'}`);
    const prng = new Prng(0xb65);
    for (const [label, size] of [
      ['20b', 20],
      ['1MiB', MiB],
    ] as const) {
      const bytes = prng.bytes(size);
      const text = asBuffer(bytes).toString('base64');
      await ctx.bench({
        id: `base64.encode.${label}`,
        title: `b64encode ${label}`,
        bytesPerOp: size,
        candidates: encodeCandidates(api, bytes),
      });
      await ctx.bench({
        id: `base64.decode.${label}`,
        title: `b64decode ${label}`,
        bytesPerOp: size,
        candidates: decodeCandidates(api, text),
      });
    }
  },
};
