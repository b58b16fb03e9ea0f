import { Prng } from './prng.js';

/**
 * The decoding corpus of the seed's `make test`: 4003 frames carrying 20,049,907 payload bytes,
 * 2002 of them masked (14,023,032 bytes). Built from a seeded PRNG, so it is byte-identical on
 * every run and machine.
 *
 * RFC 6455 §5.1: client-to-server frames are masked and server-to-client frames are not, and a
 * decoder rejects the other kind for its role. So the corpus is two streams: the 2002 masked
 * frames, decoded in the server role, and the 2001 unmasked ones, decoded in the client role.
 * Every frame is a final binary frame (a one-frame message), so ws's Receiver does no message
 * assembly or UTF-8 work that our FrameDecoder does not do either.
 *
 * The frames are written here by a deliberately plain encoder (byte-at-a-time masking), not by
 * the code under test: the corpus is also the reference the decoders are checked against.
 */

export const CORPUS_SEED = 0x6c656d; // 'lem'
export const CORPUS_FRAME_COUNT = 4003;
export const CORPUS_PAYLOAD_BYTES = 20_049_907;
export const CORPUS_MASKED_FRAME_COUNT = 2002;
export const CORPUS_MASKED_PAYLOAD_BYTES = 14_023_032;

const OPCODE_BINARY = 0x2;

/** Payload length classes by the header's length form (RFC 6455 §5.2). */
export const LENGTH_FORMS = {
  /** 7-bit length: 0–125. */
  short: { min: 0, max: 125 },
  /** 16-bit extended length: 126–65535. */
  medium: { min: 126, max: 65_535 },
  /** 64-bit extended length: 65536 and up (capped at 1 MiB here). */
  long: { min: 65_536, max: 1 << 20 },
} as const;
export type LengthForm = keyof typeof LENGTH_FORMS;

export interface CorpusStream {
  /** The decoder role that accepts this stream: masked frames go to a server. */
  role: 'server' | 'client';
  masked: boolean;
  /** The encoded frames back to back. */
  bytes: Uint8Array;
  /** Payload length of every frame, in stream order. */
  payloadLengths: number[];
  frameCount: number;
  payloadBytes: number;
  /** FNV-1a (32-bit) over all unmasked payload bytes in order. */
  payloadDigest: number;
}

export interface Corpus {
  seed: number;
  masked: CorpusStream;
  unmasked: CorpusStream;
  frameCount: number;
  payloadBytes: number;
}

interface StreamPlan {
  counts: Record<LengthForm, number>;
  totalPayload: number;
}

/** Class counts chosen so that scaling to the exact totals keeps every size inside its class. */
const MASKED_PLAN: StreamPlan = {
  counts: { short: 700, medium: 1280, long: 22 },
  totalPayload: CORPUS_MASKED_PAYLOAD_BYTES,
};
const UNMASKED_PLAN: StreamPlan = {
  counts: { short: 900, medium: 1090, long: 11 },
  totalPayload: CORPUS_PAYLOAD_BYTES - CORPUS_MASKED_PAYLOAD_BYTES,
};

/** Log-uniform in [min, max]: many small frames, a few large ones, as traffic tends to be. */
function logUniform(prng: Prng, min: number, max: number): number {
  const lo = Math.log(Math.max(min, 1));
  const hi = Math.log(max);
  return Math.min(max, Math.max(min, Math.round(Math.exp(lo + prng.next() * (hi - lo)))));
}

/** Payload lengths per plan: drawn per class, then scaled and nudged to the exact total. */
export function planLengths(prng: Prng, plan: StreamPlan): number[] {
  const entries: { form: LengthForm; length: number }[] = [];
  for (let i = 0; i < plan.counts.short; i++)
    entries.push({ form: 'short', length: prng.int(0, 125) });
  for (let i = 0; i < plan.counts.medium; i++)
    entries.push({ form: 'medium', length: logUniform(prng, 126, 16_384) });
  for (let i = 0; i < plan.counts.long; i++)
    entries.push({
      form: 'long',
      length: logUniform(prng, LENGTH_FORMS.long.min, LENGTH_FORMS.long.max),
    });

  const fixed = entries.filter((e) => e.form === 'short').reduce((s, e) => s + e.length, 0);
  const adjustable = entries.filter((e) => e.form !== 'short');
  const adjustableSum = adjustable.reduce((s, e) => s + e.length, 0);
  const factor = (plan.totalPayload - fixed) / adjustableSum;
  for (const entry of adjustable) {
    const { min, max } = LENGTH_FORMS[entry.form];
    entry.length = Math.min(max, Math.max(min, Math.round(entry.length * factor)));
  }
  let remaining = plan.totalPayload - entries.reduce((s, e) => s + e.length, 0);
  for (const entry of adjustable) {
    if (remaining === 0) break;
    const { min, max } = LENGTH_FORMS[entry.form];
    const step = Math.min(max - entry.length, Math.max(min - entry.length, remaining));
    entry.length += step;
    remaining -= step;
  }
  if (remaining !== 0) throw new Error(`corpus plan cannot reach ${plan.totalPayload} bytes`);
  return prng.shuffle(entries).map((e) => e.length);
}

export function lengthForm(length: number): LengthForm {
  return length <= 125 ? 'short' : length <= 65_535 ? 'medium' : 'long';
}

function headerLength(length: number, masked: boolean): number {
  return (length <= 125 ? 2 : length <= 65_535 ? 4 : 10) + (masked ? 4 : 0);
}

export function fnv1a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  let h = hash;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/**
 * Writes one final binary frame (RFC 6455 §5.2) at `offset`, masking the payload byte by byte
 * with `key` when given (§5.3); returns the offset after it. Plain on purpose: it is the
 * reference the code under test is checked against.
 */
export function writeReferenceFrame(
  target: Uint8Array,
  offset: number,
  payload: Uint8Array,
  key?: Uint8Array,
): number {
  const length = payload.length;
  target[offset++] = 0x80 | OPCODE_BINARY; // FIN, no RSV, binary
  const maskBit = key === undefined ? 0 : 0x80;
  if (length <= 125) {
    target[offset++] = maskBit | length;
  } else if (length <= 65_535) {
    target[offset++] = maskBit | 126;
    target[offset++] = length >>> 8;
    target[offset++] = length & 0xff;
  } else {
    target[offset++] = maskBit | 127;
    target.fill(0, offset, offset + 4); // high 32 bits of the 64-bit length
    offset += 4;
    target[offset++] = length >>> 24;
    target[offset++] = (length >>> 16) & 0xff;
    target[offset++] = (length >>> 8) & 0xff;
    target[offset++] = length & 0xff;
  }
  if (key === undefined) {
    target.set(payload, offset);
  } else {
    target.set(key.subarray(0, 4), offset);
    offset += 4;
    for (let i = 0; i < length; i++) target[offset + i] = payload[i]! ^ key[i & 3]!;
  }
  return offset + length;
}

/** One frame built by writeReferenceFrame, in a buffer of its own. */
export function referenceFrame(payload: Uint8Array, key?: Uint8Array): Uint8Array {
  const frame = new Uint8Array(headerLength(payload.length, key !== undefined) + payload.length);
  writeReferenceFrame(frame, 0, payload, key);
  return frame;
}

function buildStream(prng: Prng, plan: StreamPlan, masked: boolean): CorpusStream {
  const payloadLengths = planLengths(prng, plan);
  const total = payloadLengths.reduce((s, n) => s + n + headerLength(n, masked), 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  let digest = 0x811c9dc5;
  for (const length of payloadLengths) {
    const payload = prng.bytes(length);
    digest = fnv1a(payload, digest);
    offset = writeReferenceFrame(bytes, offset, payload, masked ? prng.bytes(4) : undefined);
  }
  return {
    role: masked ? 'server' : 'client',
    masked,
    bytes,
    payloadLengths,
    frameCount: payloadLengths.length,
    payloadBytes: plan.totalPayload,
    payloadDigest: digest,
  };
}

export function generateCorpus(seed = CORPUS_SEED): Corpus {
  const prng = new Prng(seed);
  const masked = buildStream(prng, MASKED_PLAN, true);
  const unmasked = buildStream(prng, UNMASKED_PLAN, false);
  return {
    seed,
    masked,
    unmasked,
    frameCount: masked.frameCount + unmasked.frameCount,
    payloadBytes: masked.payloadBytes + unmasked.payloadBytes,
  };
}

export type Chunking =
  | { kind: 'fixed'; size: number }
  | { kind: 'random'; min: number; max: number; seed: number };

export const CHUNKINGS = {
  fixed64k: { kind: 'fixed', size: 64 * 1024 },
  random4k: { kind: 'random', min: 1, max: 4096, seed: CORPUS_SEED ^ 0xc4 },
} as const satisfies Record<string, Chunking>;

/** Chunk lengths covering `total` bytes exactly, as a socket might deliver them. */
export function chunkLengths(total: number, chunking: Chunking): number[] {
  const lengths: number[] = [];
  const next =
    chunking.kind === 'fixed'
      ? () => chunking.size
      : (
          (prng) => () =>
            prng.int(chunking.min, chunking.max)
        )(new Prng(chunking.seed));
  for (let left = total; left > 0; ) {
    const take = Math.min(left, next());
    lengths.push(take);
    left -= take;
  }
  return lengths;
}
