import { asBuffer, equalBytes, toHex } from '../bytes.js';
import { opCandidate } from '../harness/timing.js';
import type { Candidate, Section, SectionContext } from '../harness/types.js';
import { type FrameCodecApi, loadFrameCodec } from '../implementations/ours.js';
import { loadWs, type WsInstance } from '../implementations/ws.js';
import { Prng } from '../prng.js';

const OPCODE_BINARY = 0x2;
export const CREATE_SIZES = [32, 64, 128] as const;

/**
 * Checks our encoder byte for byte against ws's Sender.frame, with one fixed masking key, for
 * payloads in each length form (RFC 6455 §5.2: 7-bit, 16-bit and 64-bit lengths).
 */
export function checkFrameCreate(ctx: SectionContext, api: FrameCodecApi, ws: WsInstance): void {
  ctx.verify(
    'frame encode: identical bytes to ws Sender.frame (masked and not, 0 B – 70 KiB)',
    () => {
      const prng = new Prng(0xf4);
      const key = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);
      for (const length of [0, 1, 32, 125, 126, 127, 1000, 65_535, 65_536, 70_000]) {
        const payload = prng.bytes(length);
        const original = payload.slice();
        for (const masked of [false, true]) {
          const ours = api.encodeFrame(
            { opcode: OPCODE_BINARY, payload },
            { mask: masked ? key : false },
          );
          if (!equalBytes(payload, original))
            return `encodeFrame changed its payload (length ${length})`;
          const parts = ws.Sender.frame(Buffer.from(payload), {
            fin: true,
            rsv1: false,
            opcode: OPCODE_BINARY,
            mask: masked,
            readOnly: true,
            maskBuffer: Buffer.from(key),
            generateMask: () => {},
          });
          const theirs = Buffer.concat(parts);
          if (!equalBytes(ours, theirs))
            return `${masked ? 'masked' : 'unmasked'} ${length} B frame differs: ours ${toHex(ours.subarray(0, 16))}…, ws ${toHex(theirs.subarray(0, 16))}…`;
          const [header, body] = api.encodeFrameParts(
            { opcode: OPCODE_BINARY, payload },
            { mask: masked ? key : false },
          );
          if (!equalBytes(Buffer.concat([header, body]), theirs))
            return `encodeFrameParts differs from encodeFrame at ${length} B (masked ${masked})`;
          if (!masked && body !== payload && length > 0)
            return 'encodeFrameParts copied an unmasked payload instead of returning it as is';
        }
      }
    },
  );
  ctx.verify(
    'frame encode: a random-key masked frame decodes back to its payload (server role)',
    () => {
      const payload = new Prng(0xf5).bytes(300);
      const frames = api.decodeFrames(
        api.encodeFrame({ opcode: OPCODE_BINARY, payload }, { mask: true }),
        {
          role: 'server',
        },
      );
      if (!Array.isArray(frames)) return `decodeFrames reported ${frames.kind}`;
      if (frames.length !== 1 || !equalBytes(frames[0]!.payload, payload))
        return 'round trip lost the payload';
    },
  );
}

function wsOptions(masked: boolean) {
  return { fin: true, rsv1: false, opcode: OPCODE_BINARY, mask: masked, readOnly: true };
}

/**
 * Like for like: unmasked, ours encodeFrameParts and ws both return [header, payload] without
 * copying the payload; masked, ours encodeFrame and ws (readOnly) both write header and masked
 * copy into one new buffer with a pooled random key. The other shapes of ours are shown as well.
 *
 * Fairness, checked in ws 8.23's lib/sender.js: with `mask: true` and no `maskBuffer` /
 * `generateMask`, ws takes its key from an 8 KiB `randomFillSync` pool (ours: an 8 KiB
 * `getRandomValues` pool); `readOnly: true` makes it merge header and masked copy into one
 * `Buffer.allocUnsafe` (pooled, not zero-filled; ours: a 64 KiB slab zero-filled once), masking
 * with a JS loop below 48 bytes and bufferutil's native code from 48. It returns `[buffer]` (one
 * array more than ours). `readOnly: false` would mask the caller's data in place instead, which
 * is what `encodeFrameParts(…, { maskInPlace: true })` does. Unmasked, ws returns
 * `[Buffer.allocUnsafe(2–10) header, data]`, like encodeFrameParts. So both sides do the same
 * work; ws's only extra is the result array. The headline is encodeFrame / encodeFrameParts,
 * what a user calls; `writeHeader` into the caller's own buffer (no allocation at all) is shown
 * as another shape.
 */
function candidates(
  api: FrameCodecApi,
  ws: WsInstance[],
  payload: Uint8Array,
  masked: boolean,
): Candidate[] {
  const init = { opcode: OPCODE_BINARY, payload };
  const buffer = asBuffer(payload);
  const headerTarget = new Uint8Array(14);
  const fields = { fin: true, rsv1: false, rsv2: false, rsv3: false, opcode: OPCODE_BINARY };
  const list: Candidate[] = masked
    ? [
        opCandidate('ours encodeFrame', 'ours', () => api.encodeFrame(init, { mask: true })),
        opCandidate('ours encodeFrameParts in place', 'ours', () =>
          api.encodeFrameParts(init, { mask: true, maskInPlace: true }),
        ),
      ]
    : [
        opCandidate('ours encodeFrameParts', 'ours', () => api.encodeFrameParts(init)),
        opCandidate('ours encodeFrame', 'ours', () => api.encodeFrame(init)),
        opCandidate('ours writeHeader into a caller buffer', 'ours', () =>
          api.writeHeader(headerTarget, 0, fields, payload.length),
        ),
      ];
  const options = wsOptions(masked);
  for (const instance of ws)
    list.push(
      opCandidate(instance.label, 'reference', () => instance.Sender.frame(buffer, options)),
    );
  return list;
}

export const frameCreateSection: Section = {
  id: 'frame-create',
  title: 'checking creation speed of frame',
  async run(ctx) {
    ctx.log('### checking creation speed of frame');
    const loaded = await loadFrameCodec();
    if (!loaded.ok) return ctx.unavailable('@ws/frame encoder', loaded.reason);
    const ws = loadWs();
    checkFrameCreate(ctx, loaded.api, ws.withBufferutil);
    if (ctx.failedChecks() > 0) return;
    const prng = new Prng(0xf6);
    for (const masked of [false, true]) {
      for (const size of CREATE_SIZES) {
        await ctx.bench({
          id: `frame-create.${masked ? 'masked' : 'unmasked'}.${size}`,
          title: `creating frame ${masked ? 'xored' : 'not xored'} ${size}b`,
          bytesPerOp: size,
          candidates: candidates(
            loaded.api,
            [ws.withBufferutil, ws.withoutBufferutil],
            prng.bytes(size),
            masked,
          ),
        });
      }
    }
  },
};
