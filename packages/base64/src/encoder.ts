import { littleEndian, STANDARD, type Tables, URL_SAFE } from './alphabet.js';
import { describe, type EncodeOptions, isUint8Array } from './options.js';
import { encodeBuffer, encodeNative, hasBuffer, hasNativeBase64 } from './platform.js';

/**
 * Below this many bytes the pure encoder collects character codes in an array for one
 * String.fromCharCode; from it on, it writes ASCII bytes and decodes them with TextDecoder.
 */
const BULK_MIN = 48;

/**
 * From this many bytes on `encode` hands the work to Node's Buffer when there is no native
 * toBase64. Below it the pure encoder is faster (measured at 20 B: about 1.2× Buffer's speed;
 * Buffer's fixed cost of about 140 ns wins from about 32 B on).
 */
const BUFFER_ENCODE_MIN = 32;

const ascii = /* @__PURE__ */ new TextDecoder();

function checkBytes(bytes: unknown): asserts bytes is Uint8Array {
  if (!isUint8Array(bytes)) {
    throw new TypeError(`base64 encode expects a Uint8Array, got ${describe(bytes)}`);
  }
}

/**
 * RFC 4648 base64 (§4) or base64url (§5) of `bytes`. Padding defaults to on for base64 and off
 * for base64url (as JWTs and most URL uses expect); `pad` overrides either default.
 */
export function encode(bytes: Uint8Array, options?: EncodeOptions): string {
  checkBytes(bytes);
  const url = options?.url === true;
  const pad = options?.pad ?? !url;
  if (hasNativeBase64) return encodeNative(bytes, url, pad);
  if (hasBuffer && bytes.length >= BUFFER_ENCODE_MIN) return encodeBuffer(bytes, url, pad);
  return encodeWith(bytes, url ? URL_SAFE : STANDARD, pad);
}

/** The pure implementation behind `encode`, same contract, no platform encoder. */
export function encodePure(bytes: Uint8Array, options?: EncodeOptions): string {
  checkBytes(bytes);
  const url = options?.url === true;
  return encodeWith(bytes, url ? URL_SAFE : STANDARD, options?.pad ?? !url);
}

function encodeWith(bytes: Uint8Array, tables: Tables, pad: boolean): string {
  return bytes.length < BULK_MIN ? encodeShort(bytes, tables, pad) : encodeBulk(bytes, tables, pad);
}

function encodeShort(bytes: Uint8Array, { codes }: Tables, pad: boolean): string {
  const n = bytes.length;
  const full = n - (n % 3);
  const rem = n - full;
  // One String.fromCharCode over an array of codes gives a flat string: measured about 1.25×
  // faster at 21 bytes than concatenating 12-bit pair strings (which leaves a rope to flatten).
  const out: number[] = new Array(
    rem === 0 ? (full / 3) * 4 : pad ? (full / 3) * 4 + 4 : (full / 3) * 4 + rem + 1,
  );
  let j = 0;
  for (let i = 0; i < full; i += 3, j += 4) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[j] = codes[v >>> 18]!;
    out[j + 1] = codes[(v >>> 12) & 63]!;
    out[j + 2] = codes[(v >>> 6) & 63]!;
    out[j + 3] = codes[v & 63]!;
  }
  if (rem !== 0) {
    // RFC 4648 §4: a final group of 8 bits gives two characters and "==", 16 bits three and "=".
    const v = (bytes[full]! << 8) | (rem === 2 ? bytes[full + 1]! : 0);
    out[j] = codes[v >>> 10]!;
    out[j + 1] = codes[(v >>> 4) & 63]!;
    if (rem === 2) out[j + 2] = codes[(v << 2) & 63]!;
    else if (pad) out[j + 2] = 0x3d;
    if (pad) out[j + 3] = 0x3d;
  }
  return String.fromCharCode.apply(null, out);
}

/**
 * Input bytes per TextDecoder call (16 KiB of output, a multiple of 12 for word alignment).
 * Measured on 1 MiB: about 1.2× faster than 3 KiB chunks (fewer decoder calls and string
 * pieces), no slower than 48 KiB ones, and about 1.15× faster than one buffer for the whole
 * output, which leaves the cache. TextDecoder('latin1') measured about 1.1× slower than UTF-8.
 */
const CHUNK = 12288;

interface Scratch {
  readonly out: Uint8Array;
  readonly out16: Uint16Array;
  readonly out32: Uint32Array;
}

/**
 * One chunk buffer for every call: allocating a 16 KiB Uint8Array costs microseconds on Node 20,
 * more than encoding 1 KiB. Safe to share: it is filled and decoded into a string within one
 * synchronous call, and no byte of it ever leaves this module.
 */
let scratch: Scratch | undefined;

function newScratch(): Scratch {
  const out = new Uint8Array((CHUNK / 3) * 4);
  return { out, out16: new Uint16Array(out.buffer), out32: new Uint32Array(out.buffer) };
}

function encodeBulk(bytes: Uint8Array, tables: Tables, pad: boolean): string {
  const { chars, pairs16, pairs32 } = tables;
  const n = bytes.length;
  const full = n - (n % 3);
  const { out, out16, out32 } = (scratch ??= newScratch());
  // 3 × (byteOffset mod 4) leading bytes bring the rest onto a 4-byte boundary.
  const head = Math.min(full, 3 * (bytes.byteOffset & 3));
  const words = littleEndian
    ? new Uint32Array(bytes.buffer, bytes.byteOffset + head, (n - head) >>> 2)
    : undefined;
  // Measured on 1 MiB (Node 20): TextDecoder turns ASCII bytes into a string about 3× faster
  // than String.fromCharCode.apply over chunks.
  let text =
    head === 0
      ? ''
      : ascii.decode(out.subarray(0, 2 * fillBytes(bytes, 0, head, out16, pairs16, 0)));
  for (let start = head; start < full; start += CHUNK) {
    const stop = Math.min(full, start + CHUNK);
    let i = start;
    let j = 0;
    if (words !== undefined) {
      const blocks = ((stop - start) / 12) | 0;
      fillWords(words, (start - head) >>> 2, blocks, out32, pairs32);
      i += blocks * 12;
      j = blocks * 8;
    }
    j = fillBytes(bytes, i, stop, out16, pairs16, j);
    text += ascii.decode(out.subarray(0, 2 * j));
  }
  if (full === n) return text;
  // RFC 4648 §4: a final group of 8 bits gives two characters and "==", 16 bits three and "=".
  const v = (bytes[full]! << 8) | (full + 1 < n ? bytes[full + 1]! : 0);
  text += chars[v >>> 10]! + chars[(v >>> 4) & 63]!;
  if (full + 1 === n) return pad ? `${text}==` : text;
  text += chars[(v << 2) & 63]!;
  return pad ? `${text}=` : text;
}

/** Encodes bytes[i, stop) (whole groups) into out16 from index j; returns the next j. */
function fillBytes(
  bytes: Uint8Array,
  i: number,
  stop: number,
  out16: Uint16Array,
  pairs16: Uint16Array,
  j: number,
): number {
  for (; i < stop; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out16[j++] = pairs16[v >>> 12]!;
    out16[j++] = pairs16[v & 0xfff]!;
  }
  return j;
}

/**
 * Encodes `blocks` runs of 12 bytes, read as three little-endian words from words[q], into out32
 * from index 0. Measured on 1 MiB: about 1.4× faster than reading the same bytes one at a time.
 */
function fillWords(
  words: Uint32Array,
  q: number,
  blocks: number,
  out32: Uint32Array,
  pairs32: Uint32Array,
): void {
  for (let k = 0, j = 0; k < blocks; k++, q += 3, j += 4) {
    const a = words[q]!;
    const b = words[q + 1]!;
    const c = words[q + 2]!;
    const v0 = ((a & 0xff) << 16) | (a & 0xff00) | ((a >>> 16) & 0xff);
    const v1 = ((a >>> 24) << 16) | ((b & 0xff) << 8) | ((b >>> 8) & 0xff);
    const v2 = (((b >>> 16) & 0xff) << 16) | ((b >>> 24) << 8) | (c & 0xff);
    const v3 = (((c >>> 8) & 0xff) << 16) | (((c >>> 16) & 0xff) << 8) | (c >>> 24);
    out32[j] = pairs32[v0 >>> 12]! | (pairs32[v0 & 0xfff]! << 16);
    out32[j + 1] = pairs32[v1 >>> 12]! | (pairs32[v1 & 0xfff]! << 16);
    out32[j + 2] = pairs32[v2 >>> 12]! | (pairs32[v2 & 0xfff]! << 16);
    out32[j + 3] = pairs32[v3 >>> 12]! | (pairs32[v3 & 0xfff]! << 16);
  }
}
