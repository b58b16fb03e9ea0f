import { isUtf8 } from 'node:buffer';
import { MiB } from '../bytes.js';
import { opCandidate } from '../harness/timing.js';
import type { Section, SectionContext } from '../harness/types.js';
import { loadUtf8, type Utf8Api } from '../implementations/ours.js';
import { Prng } from '../prng.js';

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function textDecoderValid(bytes: Uint8Array): boolean {
  try {
    fatal.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Edge cases of RFC 3629 §3/§4 (overlongs, surrogates, > U+10FFFF, truncation) and valid neighbours. */
export const UTF8_CASES: readonly number[][] = [
  [],
  [0x00],
  [0x7f],
  [0xc2, 0x80],
  [0xdf, 0xbf],
  [0xe0, 0xa0, 0x80],
  [0xed, 0x9f, 0xbf],
  [0xee, 0x80, 0x80],
  [0xef, 0xbf, 0xbf],
  [0xf0, 0x90, 0x80, 0x80],
  [0xf4, 0x8f, 0xbf, 0xbf],
  [0x80],
  [0xbf],
  [0xc0, 0x80],
  [0xc1, 0xbf],
  [0xc2],
  [0xe0, 0x80, 0x80],
  [0xe0, 0x9f, 0xbf],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xe1, 0x80],
  [0xf0, 0x80, 0x80, 0x80],
  [0xf0, 0x8f, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf5, 0x80, 0x80, 0x80],
  [0xff],
  [0xfe],
  [0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5],
  [0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xed, 0xa0, 0x80, 0x65],
];

/** A mixed-script valid UTF-8 text of `size` bytes or a little less (1- to 4-byte sequences). */
export function mixedText(size: number, prng: Prng): Uint8Array {
  const pieces = ['websocket ', 'κόσμε ', 'добрый ', '中文字 ', '𝄞🎵 ', 'ASCII-heavy line\n'];
  const encoder = new TextEncoder();
  const encoded = pieces.map((p) => encoder.encode(p));
  const out = new Uint8Array(size);
  let offset = 0;
  for (;;) {
    const piece = encoded[prng.int(0, encoded.length - 1)]!;
    if (offset + piece.length > size) break;
    out.set(piece, offset);
    offset += piece.length;
  }
  return out.subarray(0, offset);
}

/** @ws/frame's validator with its platform hook (Utf8ValidatorOptions.isUtf8): here node:buffer's isUtf8. */
function hookedValidator(api: Utf8Api): InstanceType<Utf8Api['Utf8Validator']> {
  return new api.Utf8Validator({ isUtf8 });
}

export function checkUtf8(ctx: SectionContext, api: Utf8Api): void {
  ctx.verify('utf8: edge cases agree with buffer.isUtf8, whole and pushed byte by byte', () => {
    for (const bytes of UTF8_CASES.map((c) => Uint8Array.from(c))) {
      const expected = isUtf8(bytes);
      if (api.isValidUtf8(bytes) !== expected)
        return `isValidUtf8([${bytes.join(',')}]) ≠ ${expected}`;
      const validator = new api.Utf8Validator();
      let failed = false;
      for (let i = 0; i < bytes.length && !failed; i++)
        failed = validator.push(bytes.subarray(i, i + 1)) >= 0;
      const verdict = !failed && validator.end();
      if (verdict !== expected)
        return `Utf8Validator byte by byte on [${bytes.join(',')}] disagrees (expected ${expected})`;
    }
  });
  ctx.verify(
    'utf8: 2000 random and mutated inputs agree with buffer.isUtf8 and TextDecoder',
    () => {
      const prng = new Prng(0x0f8);
      const text = mixedText(4096, prng);
      for (let i = 0; i < 2000; i++) {
        const start = prng.int(0, text.length - 1);
        const bytes =
          i % 2 === 0 ? text.slice(start, start + prng.int(0, 200)) : prng.bytes(prng.int(0, 12));
        if (i % 4 === 0 && bytes.length > 0)
          bytes[prng.int(0, bytes.length - 1)] = prng.int(0, 255);
        const expected = isUtf8(bytes);
        if (textDecoderValid(bytes) !== expected) return 'TextDecoder and buffer.isUtf8 disagree';
        if (api.isValidUtf8(bytes) !== expected)
          return `isValidUtf8 wrong on input #${i} (expected ${expected})`;
      }
    },
  );
  ctx.verify(
    'utf8: with the isUtf8 hook, 200 mutated 8 KiB texts in random pieces give the pure first-invalid index',
    () => {
      const prng = new Prng(0x0fa);
      const text = mixedText(8192, prng);
      for (let i = 0; i < 200; i++) {
        const bytes = text.slice();
        if (i % 2 === 1) bytes[prng.int(0, bytes.length - 1)] = prng.int(0x80, 0xff);
        const pure = new api.Utf8Validator();
        const hooked = hookedValidator(api);
        for (let at = 0; at < bytes.length; ) {
          const piece = bytes.subarray(at, at + prng.int(1, 4096));
          const expected = pure.push(piece);
          if (hooked.push(piece) !== expected) return `hooked push differs on input #${i} at ${at}`;
          at += piece.length;
        }
        if (hooked.end() !== pure.end() || pure.end() !== isUtf8(bytes))
          return `hooked end() differs on input #${i}`;
      }
    },
  );
}

export const utf8Section: Section = {
  id: 'utf8',
  title: 'UTF-8 validation',
  async run(ctx) {
    ctx.log('### UTF-8 validation');
    const loaded = await loadUtf8();
    if (!loaded.ok) return ctx.unavailable('@ws/frame utf8', loaded.reason);
    const api = loaded.api;
    checkUtf8(ctx, api);
    const prng = new Prng(0x0f9);
    const inputs: [string, string, Uint8Array][] = [
      [
        'ascii.1MiB',
        'utf8 validate ASCII 1MiB',
        new TextEncoder().encode('websocket frames! '.repeat(MiB / 18 + 1)).subarray(0, MiB),
      ],
      ['mixed.1MiB', 'utf8 validate mixed 1MiB', mixedText(MiB, prng)],
      ['mixed.64B', 'utf8 validate mixed 64b', mixedText(64, prng)],
    ];
    for (const [id, title, bytes] of inputs) {
      if (!isUtf8(bytes)) throw new Error(`benchmark input ${id} is not valid UTF-8`);
      const validator = new api.Utf8Validator();
      const hooked = hookedValidator(api);
      await ctx.bench({
        id: `utf8.${id}`,
        title,
        bytesPerOp: bytes.length,
        candidates: [
          opCandidate('ours isValidUtf8', 'ours', () => api.isValidUtf8(bytes)),
          opCandidate('ours Utf8Validator', 'ours', () => {
            validator.reset();
            validator.push(bytes);
            return validator.end();
          }),
          opCandidate('ours Utf8Validator + isUtf8 hook', 'ours', () => {
            hooked.reset();
            hooked.push(bytes);
            return hooked.end();
          }),
          opCandidate('TextDecoder fatal', 'reference', () => textDecoderValid(bytes)),
          opCandidate('buffer.isUtf8', 'reference', () => isUtf8(bytes)),
        ],
      });
    }
  },
};
