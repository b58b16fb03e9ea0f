/**
 * Frame encoding (RFC 6455 §5.2). A frame is a plain record; the payload length and the
 * masking key are derived here. The encoder writes whatever frame it is given, including
 * ones a peer must reject (reserved opcodes, RSV bits, long control frames), so tests and
 * conformance suites can produce them; only what cannot be put on the wire throws.
 */
import { maskCopy, maskCopyPacked, maskPacked, packKey } from './mask.js';
import {
  defaultMaskKeySource,
  defaultPooledSource,
  type MaskKeySource,
  PooledMaskKeySource,
} from './mask-key.js';
import { outputPool, POOL_LIMIT } from './pool.js';

/** A frame to encode. `fin` defaults to true, the RSV bits to false. */
export interface FrameInit {
  opcode: number;
  payload: Uint8Array;
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
}

export interface EncodeOptions {
  /**
   * false (default): unmasked, as a server sends (§5.1). true: masked with a fresh key from
   * `maskSource`, as a client MUST send (§5.3). A 4-byte Uint8Array: masked with that key.
   */
  mask?: boolean | Uint8Array;
  /** Where `mask: true` takes its keys. Default: `defaultMaskKeySource` (pooled CSPRNG). */
  maskSource?: MaskKeySource;
  /** encodeFrameParts only: mask the caller's payload in place instead of a copy. */
  maskInPlace?: boolean;
}

/** The header fields writeHeader needs. */
export interface HeaderFields {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
}

/** §5.2: "Payload length: 7 bits, 7+16 bits, or 7+64 bits". */
const MAX_7BIT = 125;
const MAX_16BIT = 0xffff;
const TWO_32 = 0x1_0000_0000;

/**
 * From this many payload bytes the masked encoder copies the payload with
 * Uint8Array.prototype.set and XORs the slab's words in place; below it, it builds each word
 * from 4 payload bytes. Measured here (Node 20): set() costs a fixed ≈ 20 ns, which the
 * in-place XOR repays from 64 B on.
 */
const WORD_MASK_MIN = 64;
/**
 * From this many payload bytes the masked encoder copies and masks in one call to the SIMD
 * kernel (maskCopyPacked: copy in, v128.xor, copy out) instead of set() then the JS XOR.
 * Measured (Node 20, CPU time, interleaved): 256 B 92.7 → 85.6 ns, 512 B 153 → 115 ns, 1 KiB
 * 301 → 163 ns, 4000 B 947 → 496 ns (1.3–1.6× → 2.0–2.6× ws+bufferutil); at 128 B the call
 * cost more than it saved (72 → 77 ns).
 */
const SIMD_MASK_MIN = 256;
/** The largest masked payload whose frame (8-byte header) is carved from the slab. */
const MAX_POOLED_MASKED = POOL_LIMIT - 8;

/** The header size for a payload of `payloadLength` bytes: 2, 4 or 10, plus 4 when masked. */
export function headerLength(payloadLength: number, masked: boolean): number {
  checkLength(payloadLength);
  return lengthFieldSize(payloadLength) + (masked ? 4 : 0);
}

/**
 * Writes a frame header into `target` at `offset` and returns the offset just after it
 * (after the 4 key bytes when `maskKey` is given). The payload is not written or masked.
 * Throws RangeError when `target` has no room for the header.
 */
export function writeHeader(
  target: Uint8Array,
  offset: number,
  frame: HeaderFields,
  payloadLength: number,
  maskKey?: Uint8Array,
): number {
  checkOpcode(frame.opcode);
  checkLength(payloadLength);
  if (maskKey !== undefined) checkKey(maskKey);
  const size = lengthFieldSize(payloadLength) + (maskKey === undefined ? 0 : 4);
  if (!Number.isInteger(offset) || offset < 0 || offset + size > target.length) {
    throw new RangeError(
      `writeHeader: expected room for a ${size}-byte header at offset ${offset} in ${target.length} bytes`,
    );
  }
  let o = putHeader(
    target,
    offset,
    firstByte(frame.fin, frame.rsv1, frame.rsv2, frame.rsv3, frame.opcode),
    payloadLength,
    maskKey !== undefined,
  );
  if (maskKey !== undefined) {
    target[o] = maskKey[0]!;
    target[o + 1] = maskKey[1]!;
    target[o + 2] = maskKey[2]!;
    target[o + 3] = maskKey[3]!;
    o += 4;
  }
  return o;
}

/**
 * The whole frame (header + payload) in one new buffer: one write for the caller.
 * `frame.payload` is never modified, masked or not.
 */
export function encodeFrame(frame: FrameInit, options?: EncodeOptions): Uint8Array {
  const payload = frame.payload;
  const opcode = frame.opcode;
  // One test on the hot path, the diagnostics only when it fails: ≈ 1.02× at masked 64 and
  // 128 B against checkPayload then checkOpcode (Node 20, CPU time, 5 × 21 interleaved rounds).
  if (!(payload instanceof Uint8Array) || (opcode & 0xf) !== opcode) {
    throwBadFrame(payload, opcode);
  }
  const b0 = firstByte(frame.fin !== false, frame.rsv1, frame.rsv2, frame.rsv3, opcode);
  const maskOption = options === undefined ? undefined : options.mask;
  if (maskOption === undefined || maskOption === false) return encodeUnmasked(payload, b0);
  const source = options!.maskSource;
  if (maskOption === true) {
    if (source === undefined) return encodeMaskedPooled(payload, b0, defaultPooledSource);
    if (source instanceof PooledMaskKeySource) return encodeMaskedPooled(payload, b0, source);
  }
  return encodeMaskedWith(payload, b0, maskOption, source);
}

/**
 * encodeFrame's paths are small functions of their own, one per kind of frame, each writing
 * the 7- and 16-bit length forms itself. With one function holding every path, V8's inlining
 * budget ran out and the general putHeader (295 bytes of bytecode) stayed a call per frame,
 * and frames of 126 bytes and more took the general masked path. Measured (Node 20, CPU time,
 * 21 interleaved rounds): masked 32 B went from 2.10× ws+bufferutil to 2.28–2.47×, unmasked
 * encodeFrame 32–128 B from 0.84–0.94× to 0.87–0.96×; masked 64 and 128 B moved within noise.
 */
function encodeUnmasked(payload: Uint8Array, b0: number): Uint8Array {
  const n = payload.length;
  const out = unmaskedHeader(b0, n, n);
  out.set(payload, out.length - n);
  return out;
}

/**
 * A pooled region of an unmasked frame's header plus `room` bytes, the header written: §5.2,
 * the length in its minimal form, MASK bit 0 (§5.1: a server's frames).
 */
function unmaskedHeader(b0: number, n: number, room: number): Uint8Array {
  const size = n <= MAX_7BIT ? 2 : n <= MAX_16BIT ? 4 : 10;
  const out = outputPool.allocate(size + room, 0);
  out[0] = b0;
  if (size === 2) out[1] = n;
  else if (size === 4) {
    out[1] = 126;
    out[2] = n >>> 8;
    out[3] = n & 0xff;
  } else putHeader(out, 0, b0, n, false);
  return out;
}

/**
 * A masked frame with a key from a pooled source. Frames up to MAX_POOLED_MASKED bytes on a
 * little-endian platform (every pooled frame in practice) take one pass through the slab's
 * 32-bit words here: the key word, then the masked payload. The pool puts the payload (byte 6
 * or 8) on an 8-byte boundary, so the key is the word just before it (§5.3).
 */
function encodeMaskedPooled(
  payload: Uint8Array,
  b0: number,
  source: PooledMaskKeySource,
): Uint8Array {
  const n = payload.length;
  if (n > MAX_POOLED_MASKED || !LITTLE_ENDIAN) return encodeMaskedPooledAny(payload, b0, source);
  const start = n <= MAX_7BIT ? 6 : 8;
  // The key is taken before the allocation: a user's fill() may itself encode frames.
  const key = source.nextWord();
  const out = outputPool.allocate(start + n, start);
  const words = outputPool.words;
  let w = outputPool.wordIndex;
  out[0] = b0;
  // §5.2: MASK bit set and the length in its minimal form (7 bits, or 126 and 16 bits).
  if (start === 6) {
    out[1] = 0x80 | n;
  } else {
    out[1] = 0x80 | 126;
    out[2] = n >>> 8;
    out[3] = n & 0xff;
  }
  words[w - 1] = key;
  const end = n & ~3;
  if (n < WORD_MASK_MIN) {
    // Each word built from 4 payload bytes and XORed as it is stored: no set() call.
    for (let i = 0; i < end; i += 4, w++) {
      words[w] =
        (payload[i]! | (payload[i + 1]! << 8) | (payload[i + 2]! << 16) | (payload[i + 3]! << 24)) ^
        key;
    }
  } else if (n >= SIMD_MASK_MIN) {
    // The payload through @ws/frame's SIMD kernel, copied and masked in one call; `key` is
    // little-endian here, the packed order it takes.
    maskCopyPacked(payload, out, start, key, 0);
    return out;
  } else {
    // set(), then XOR the slab's words in place, from the last word down, 8 at a time.
    out.set(payload, start);
    const first = w;
    w += n >>> 2;
    while (w - 8 >= first) {
      w -= 8;
      words[w + 7]! ^= key;
      words[w + 6]! ^= key;
      words[w + 5]! ^= key;
      words[w + 4]! ^= key;
      words[w + 3]! ^= key;
      words[w + 2]! ^= key;
      words[w + 1]! ^= key;
      words[w]! ^= key;
    }
    while (w > first) words[--w]! ^= key;
  }
  // The last 0–3 bytes, with the key bytes just written at out[start - 4 ..].
  for (let i = end; i < n; i++) out[start + i] = payload[i]! ^ out[start - 4 + (i & 3)]!;
  return out;
}

/**
 * Any length and byte order, key from a pooled source: on little-endian platforms only the
 * frames too large for the slab, elsewhere every frame.
 */
function encodeMaskedPooledAny(
  payload: Uint8Array,
  b0: number,
  source: PooledMaskKeySource,
): Uint8Array {
  const n = payload.length;
  const keyOffset = lengthFieldSize(n);
  const start = keyOffset + 4;
  // The key is taken before the allocation: a user's fill() may itself encode frames.
  const key = source.nextWord();
  const out = outputPool.allocate(start + n, start);
  putHeader(out, 0, b0, n, true);
  const wordIndex = outputPool.wordIndex;
  if (wordIndex >= 0) {
    // §5.3: the key word just before the payload (in the platform's byte order, as read from
    // the key pool, so its store lays down the key bytes in order), then the masked payload.
    const words = outputPool.words;
    words[wordIndex - 1] = key;
    maskWords(payload, out, start, key, words, wordIndex);
    return out;
  }
  // Not pooled (over 4 KiB): the key's bytes in the platform's order, then the kernel.
  new DataView(out.buffer, out.byteOffset + keyOffset, 4).setInt32(0, key, LITTLE_ENDIAN);
  maskCopy(payload, out, start, out.subarray(keyOffset, start));
  return out;
}

/** A caller's key, or `mask: true` with a source of the caller's own. */
function encodeMaskedWith(
  payload: Uint8Array,
  b0: number,
  maskOption: true | Uint8Array,
  source: MaskKeySource | undefined,
): Uint8Array {
  const n = payload.length;
  const keyOffset = lengthFieldSize(n);
  const start = keyOffset + 4;
  const out = outputPool.allocate(start + n, start);
  // Read now: a user's maskSource.next() below could allocate from the pool itself.
  const words = outputPool.words;
  const wordIndex = outputPool.wordIndex;
  putHeader(out, 0, b0, n, true);
  putKey(out, keyOffset, maskOption, source);
  // §5.3: the payload is masked with the key just written into the header.
  maskInto(payload, out, start, out, keyOffset, words, wordIndex);
  return out;
}

/**
 * The frame as `[header, payload]`, for a large payload written with two writes and no copy.
 * Unmasked: `payload` is `frame.payload` itself. Masked: a masked copy, or `frame.payload`
 * masked in place when `maskInPlace` is set (the caller gives up its contents).
 */
export function encodeFrameParts(
  frame: FrameInit,
  options?: EncodeOptions,
): [header: Uint8Array, payload: Uint8Array] {
  const payload = frame.payload;
  const opcode = frame.opcode;
  if (!(payload instanceof Uint8Array) || (opcode & 0xf) !== opcode) {
    throwBadFrame(payload, opcode);
  }
  const b0 = firstByte(frame.fin !== false, frame.rsv1, frame.rsv2, frame.rsv3, opcode);
  const maskOption = options === undefined ? undefined : options.mask;
  if (maskOption === undefined || maskOption === false) return partsUnmasked(payload, b0);
  return partsMasked(payload, b0, maskOption, options!);
}

/**
 * The header is a view on the output slab, like encodeFrame's frames. `new Uint8Array(2)`
 * costs more: V8 builds it as three objects (view, buffer, on-heap store). Measured (Node 20,
 * CPU time, 15 interleaved rounds): 31.0 → 27.1 ns a frame at 32 B, 1.09× → 1.25× ws.
 */
function partsUnmasked(payload: Uint8Array, b0: number): [Uint8Array, Uint8Array] {
  return [unmaskedHeader(b0, payload.length, 0), payload];
}

function partsMasked(
  payload: Uint8Array,
  b0: number,
  maskOption: true | Uint8Array,
  options: EncodeOptions,
): [Uint8Array, Uint8Array] {
  const n = payload.length;
  const keyOffset = lengthFieldSize(n);
  const header = outputPool.allocate(keyOffset + 4, 0);
  putHeader(header, 0, b0, n, true);
  putKey(header, keyOffset, maskOption, options.maskSource);
  if (options.maskInPlace === true) {
    // §5.3: the payload is masked with the key just written into the header.
    maskPacked(
      payload,
      packKey(
        header[keyOffset]!,
        header[keyOffset + 1]!,
        header[keyOffset + 2]!,
        header[keyOffset + 3]!,
      ),
      0,
    );
    return [header, payload];
  }
  const masked = outputPool.allocate(n, 0);
  maskInto(payload, masked, 0, header, keyOffset, outputPool.words, outputPool.wordIndex);
  return [header, masked];
}

/** §5.2: FIN, RSV1, RSV2, RSV3 and the 4-bit opcode. */
function firstByte(
  fin: boolean,
  rsv1: boolean | undefined,
  rsv2: boolean | undefined,
  rsv3: boolean | undefined,
  opcode: number,
): number {
  return (
    (fin ? 0x80 : 0) |
    (rsv1 === true ? 0x40 : 0) |
    (rsv2 === true ? 0x20 : 0) |
    (rsv3 === true ? 0x10 : 0) |
    opcode
  );
}

/** Bytes of the fixed header plus the extended length (without the key). */
function lengthFieldSize(n: number): number {
  return n <= MAX_7BIT ? 2 : n <= MAX_16BIT ? 4 : 10;
}

/** Writes byte 0, the MASK bit and the length in its minimal form; returns the offset after. */
function putHeader(out: Uint8Array, o: number, b0: number, n: number, masked: boolean): number {
  const maskBit = masked ? 0x80 : 0;
  out[o] = b0;
  // §5.2: "the minimal number of bytes MUST be used to encode the length".
  if (n <= MAX_7BIT) {
    out[o + 1] = maskBit | n;
    return o + 2;
  }
  if (n <= MAX_16BIT) {
    out[o + 1] = maskBit | 126;
    out[o + 2] = n >>> 8;
    out[o + 3] = n & 0xff;
    return o + 4;
  }
  // §5.2: 64-bit length in network byte order, most significant bit 0 (n < 2^53 here).
  const high = Math.floor(n / TWO_32);
  const low = n >>> 0;
  out[o + 1] = maskBit | 127;
  out[o + 2] = 0;
  out[o + 3] = high >>> 16;
  out[o + 4] = (high >>> 8) & 0xff;
  out[o + 5] = high & 0xff;
  out[o + 6] = low >>> 24;
  out[o + 7] = (low >>> 16) & 0xff;
  out[o + 8] = (low >>> 8) & 0xff;
  out[o + 9] = low & 0xff;
  return o + 10;
}

function putKey(
  out: Uint8Array,
  o: number,
  maskOption: true | Uint8Array,
  source: MaskKeySource | undefined,
): void {
  if (maskOption === true) {
    (source === undefined ? defaultMaskKeySource : source).next(out, o);
    return;
  }
  checkKey(maskOption);
  out[o] = maskOption[0]!;
  out[o + 1] = maskOption[1]!;
  out[o + 2] = maskOption[2]!;
  out[o + 3] = maskOption[3]!;
}

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
}

/** True where the platform stores the low byte of a Uint32 first. */
const LITTLE_ENDIAN = /* @__PURE__ */ isLittleEndian();

/**
 * target[start + i] = payload[i] ^ key[i & 3] (§5.3), the key read from
 * keyBytes[keyOffset..+3]. `target` comes from outputPool.allocate with `start` as its
 * alignAt; `words` and `wordIndex` are the pool's right after that call (wordIndex < 0: not
 * pooled, which happens only above 4 KiB).
 */
function maskInto(
  payload: Uint8Array,
  target: Uint8Array,
  start: number,
  keyBytes: Uint8Array,
  keyOffset: number,
  words: Int32Array,
  wordIndex: number,
): void {
  if (wordIndex < 0) {
    maskCopy(payload, target, start, keyBytes.subarray(keyOffset, keyOffset + 4));
    return;
  }
  const k0 = keyBytes[keyOffset]!;
  const k1 = keyBytes[keyOffset + 1]!;
  const k2 = keyBytes[keyOffset + 2]!;
  const k3 = keyBytes[keyOffset + 3]!;
  const key = LITTLE_ENDIAN
    ? k0 | (k1 << 8) | (k2 << 16) | (k3 << 24)
    : (k0 << 24) | (k1 << 16) | (k2 << 8) | k3;
  maskWords(payload, target, start, key, words, wordIndex);
}

/**
 * `target[start + i] = payload[i] ^ key byte (i & 3)` through the slab's 32-bit words, `key`
 * in the platform's byte order; `target` is pooled with `start` as its alignAt, so `start`
 * sits on word `wordIndex`. Below WORD_MASK_MIN bytes each word is built from 4 payload bytes
 * and XORed as it is stored; from it, set() then XOR in place; from SIMD_MASK_MIN (little-endian)
 * the SIMD kernel's masked copy (a caller's key, 1 KiB: 392 → 161 ns). encodeMaskedPooled does the
 * same inline (V8 left a call to here out of line when 32-byte frames dominated).
 */
function maskWords(
  payload: Uint8Array,
  target: Uint8Array,
  start: number,
  key: number,
  words: Int32Array,
  wordIndex: number,
): void {
  const n = payload.length;
  if (LITTLE_ENDIAN && n >= SIMD_MASK_MIN) {
    // As in encodeMaskedPooled: one call to the SIMD kernel's masked copy (`key`, little-endian
    // here, is the packed order it takes).
    maskCopyPacked(payload, target, start, key, 0);
    return;
  }
  const end = n & ~3;
  let w = wordIndex;
  if (n >= WORD_MASK_MIN) {
    target.set(payload, start);
    for (const last = w + (n >>> 2); w < last; w++) words[w]! ^= key;
  } else if (LITTLE_ENDIAN) {
    for (let i = 0; i < end; i += 4, w++) {
      words[w] =
        (payload[i]! | (payload[i + 1]! << 8) | (payload[i + 2]! << 16) | (payload[i + 3]! << 24)) ^
        key;
    }
  } else {
    for (let i = 0; i < end; i += 4, w++) {
      words[w] =
        ((payload[i]! << 24) | (payload[i + 1]! << 16) | (payload[i + 2]! << 8) | payload[i + 3]!) ^
        key;
    }
  }
  // The last 0–3 bytes: key byte j is the word's byte j in memory order.
  for (let i = end; i < n; i++) {
    const shift = LITTLE_ENDIAN ? (i & 3) * 8 : 24 - (i & 3) * 8;
    target[start + i] = payload[i]! ^ ((key >>> shift) & 0xff);
  }
}

/** encodeFrame's diagnostics: the same errors, in the same order, as encodeFrameParts'. */
function throwBadFrame(payload: unknown, opcode: number): never {
  checkPayload(payload as Uint8Array);
  checkOpcode(opcode);
  throw new RangeError(`encodeFrame: expected an opcode from 0 to 15, got ${opcode}`);
}

function checkPayload(payload: Uint8Array): void {
  if (!(payload instanceof Uint8Array)) {
    throw new TypeError('encodeFrame: expected frame.payload to be a Uint8Array');
  }
}

/** §5.2: the opcode is 4 bits. */
function checkOpcode(opcode: number): void {
  if ((opcode & 0xf) !== opcode) {
    throw new RangeError(`encodeFrame: expected an opcode from 0 to 15, got ${opcode}`);
  }
}

function checkLength(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`expected a payload length that is a non-negative safe integer, got ${n}`);
  }
}

function checkKey(key: Uint8Array): void {
  if (!(key instanceof Uint8Array) || key.length !== 4) {
    throw new RangeError('expected a masking key of exactly 4 bytes (a Uint8Array)');
  }
}
