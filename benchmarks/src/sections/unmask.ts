import { asBuffer, equalBytes, MiB } from '../bytes.js';
import { opCandidate } from '../harness/timing.js';
import type { Section, SectionContext } from '../harness/types.js';
import { loadMask, type MaskApi } from '../implementations/ours.js';
import { loadWs } from '../implementations/ws.js';
import { Prng } from '../prng.js';

function referenceMask(data: Uint8Array, key: Uint8Array, phase: number): Uint8Array {
  const out = data.slice();
  for (let i = 0; i < out.length; i++) out[i]! ^= key[(phase + i) & 3]!;
  return out;
}

/** RFC 6455 §5.3 masking, against a byte-at-a-time reference, at every offset/phase/length mix. */
export function checkMask(ctx: SectionContext, api: MaskApi): void {
  ctx.verify(
    'unmask: equals the byte-wise XOR for lengths 0–300, byte offsets 0–7 and phases 0–3',
    () => {
      const prng = new Prng(0x3a5);
      const backing = prng.bytes(400);
      const key = prng.bytes(8).subarray(1, 5);
      for (let length = 0; length <= 300; length += length < 40 ? 1 : 13) {
        for (let offset = 0; offset < 8; offset++) {
          for (let phase = 0; phase < 4; phase++) {
            const data = backing.slice().subarray(offset, offset + length);
            const expected = referenceMask(data, key, phase);
            api.unmask(data, key, phase);
            if (!equalBytes(data, expected))
              return `length ${length}, offset ${offset}, phase ${phase}`;
            const target = new Uint8Array(length + 3);
            const source = backing.subarray(offset, offset + length);
            const copyOfSource = source.slice();
            api.maskCopy(source, target, 3, key, phase);
            if (!equalBytes(target.subarray(3), referenceMask(source, key, phase)))
              return `maskCopy: length ${length}, offset ${offset}, phase ${phase}`;
            if (!equalBytes(source, copyOfSource)) return 'maskCopy changed its source';
          }
        }
      }
    },
  );
}

export const unmaskSection: Section = {
  id: 'unmask',
  title: 'unmask',
  async run(ctx) {
    ctx.log('### unmask');
    const loaded = await loadMask();
    if (!loaded.ok) return ctx.unavailable('@ws/frame mask', loaded.reason);
    checkMask(ctx, loaded.api);
    const ws = loadWs();
    const prng = new Prng(0x3a6);
    const data = prng.bytes(MiB);
    const key = prng.bytes(4);
    const buffer = asBuffer(data);
    const keyBuffer = Buffer.from(key);
    const { unmask } = loaded.api;
    const jsUnmask = ws.withoutBufferutil.bufferUtil.unmask;
    const nativeUnmask = ws.bufferutil.unmask;
    if (!ws.bufferutil.native)
      ctx.log('note: bufferutil loaded its JavaScript fallback, not native code');
    // XOR is its own inverse: every call leaves `data` masked or unmasked, never corrupt.
    await ctx.bench({
      id: 'unmask.1MiB',
      title: 'unmask 1MiB',
      bytesPerOp: MiB,
      candidates: [
        opCandidate('ours', 'ours', () => unmask(data, key)),
        opCandidate('ws JS (WS_NO_BUFFER_UTIL)', 'reference', () => jsUnmask(buffer, keyBuffer)),
        opCandidate('bufferutil native', 'reference', () => nativeUnmask(buffer, keyBuffer)),
      ],
    });
  },
};
