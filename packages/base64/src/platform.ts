/**
 * Platform encoders, found by feature detection (never imported), each behind the same strict
 * rules as the pure code: a platform decoder's result is only returned when it provably equals
 * the strict decoding; otherwise the caller reruns the pure decoder, which locates the error.
 */

import { PAD, STANDARD, URL_SAFE } from './alphabet.js';

type Alphabet = 'base64' | 'base64url';

interface NativeUint8Array extends Uint8Array {
  toBase64(options: { alphabet: Alphabet; omitPadding: boolean }): string;
}
interface NativeUint8ArrayConstructor {
  fromBase64(
    text: string,
    options: { alphabet: Alphabet; lastChunkHandling: 'strict' },
  ): Uint8Array;
}

interface NodeBuffer extends Uint8Array {
  toString(encoding?: Alphabet): string;
}
interface NodeBufferConstructor {
  from(buffer: ArrayBufferLike, byteOffset: number, length: number): NodeBuffer;
  from(text: string, encoding: Alphabet): NodeBuffer;
}

const nativeFromBase64 = (Uint8Array as unknown as Partial<NativeUint8ArrayConstructor>).fromBase64;

/** TC39 `Uint8Array.prototype.toBase64` and `Uint8Array.fromBase64` (Node ≥ 25, Chrome 140+, Firefox 133+, Safari 18.2+). */
export const hasNativeBase64: boolean = /* @__PURE__ */ probeNative();

function probeNative(): boolean {
  const proto = Uint8Array.prototype as Partial<NativeUint8Array>;
  if (typeof proto.toBase64 !== 'function' || typeof nativeFromBase64 !== 'function') return false;
  // Node 24.21 behind --js-base-64 (V8 13.6) encodes a subarray from the start of its
  // ArrayBuffer, ignoring byteOffset; such an implementation is not used.
  const view = Uint8Array.of(0, 0xfb, 0xff).subarray(1) as NativeUint8Array;
  return view.toBase64({ alphabet: 'base64', omitPadding: false }) === '+/8=';
}

const NodeBufferClass = (globalThis as { Buffer?: NodeBufferConstructor }).Buffer;

/** Node's (or Bun's) global `Buffer`, used only where it measured faster than the pure code. */
export const hasBuffer: boolean =
  NodeBufferClass !== undefined && typeof NodeBufferClass.from === 'function';

export function encodeNative(bytes: Uint8Array, url: boolean, pad: boolean): string {
  return (bytes as NativeUint8Array).toBase64({
    alphabet: url ? 'base64url' : 'base64',
    omitPadding: !pad,
  });
}

/** The strict decoding of `text`, or `undefined` if `text` is not strictly valid. */
export function decodeNative(text: string, url: boolean): Uint8Array | undefined {
  const rem = text.length & 3;
  let padded = text;
  if (rem !== 0) {
    // Unpadded input is only accepted in url mode; completing it here lets
    // lastChunkHandling 'strict' still check the trailing bits (RFC 4648 §3.5).
    if (!url || rem === 1 || text.charCodeAt(text.length - 1) === 0x3d) return undefined;
    padded += rem === 2 ? '==' : '=';
  }
  let bytes: Uint8Array;
  try {
    bytes = nativeFromBase64!(padded, {
      alphabet: url ? 'base64url' : 'base64',
      lastChunkHandling: 'strict',
    });
  } catch {
    return undefined;
  }
  // fromBase64 skips ASCII whitespace, which RFC 4648 §3.3 says to reject. Whitespace makes
  // the output at least one group shorter than the text's length implies, so a length check
  // catches it without a second scan.
  const n = padded.length;
  const padding = padded.charCodeAt(n - 1) !== 0x3d ? 0 : padded.charCodeAt(n - 2) === 0x3d ? 2 : 1;
  return bytes.length === (n >>> 2) * 3 - padding ? bytes : undefined;
}

export function encodeBuffer(bytes: Uint8Array, url: boolean, pad: boolean): string {
  const text = NodeBufferClass!
    .from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString(url ? 'base64url' : 'base64');
  // Node always pads 'base64' and never pads 'base64url'.
  if (url === !pad) return text;
  const rem = bytes.length % 3;
  if (rem === 0) return text;
  return url ? text + (rem === 1 ? '==' : '=') : text.slice(0, text.length - (rem === 1 ? 2 : 1));
}

/** Characters Node's decoder reads as something else: it keeps only the low byte of each. */
const BEYOND_LATIN1 = /[^\0-\xff]/;

/** The strict decoding of `text`, or `undefined` if `text` is not strictly valid. */
export function decodeBuffer(text: string, url: boolean): Uint8Array | undefined {
  // Node's decoder is lenient: it accepts both alphabets, skips any other character (whitespace
  // included), stops at the first "=", ignores trailing bits and reads U+0141 as "A". The checks
  // below prove that it saw only strict input, without a second pass over the text in JS.
  // Measured on 1 MiB: the re-encode-and-compare they replace cost about 2× Buffer's decode.
  const n = text.length;
  const rem = n & 3;
  // RFC 4648 §3.2: base64 comes in whole groups of four; §5 lets base64url drop the "=".
  if (rem === 1 || (rem !== 0 && !url)) return undefined;
  const padding =
    rem !== 0 || n === 0 || text.charCodeAt(n - 1) !== PAD
      ? 0
      : text.charCodeAt(n - 2) === PAD
        ? 2
        : 1;
  const end = n - padding;
  const tail = end & 3;
  if (tail !== 0) {
    // RFC 4648 §3.5: the pad bits of the last character must be zero.
    const value = (url ? URL_SAFE : STANDARD).values[text.charCodeAt(end - 1)];
    if (value === undefined || (value & (tail === 2 ? 0xcf : 0xc3)) !== 0) return undefined;
  }
  // Each of these is a native scan: about 15 µs per MiB for indexOf, and the regular
  // expression fails at once on a one-byte (Latin-1) string, V8's usual representation.
  if (text.indexOf(url ? '+' : '-') !== -1 || text.indexOf(url ? '/' : '_') !== -1) {
    return undefined;
  }
  if (BEYOND_LATIN1.test(text)) return undefined;
  const buffer = NodeBufferClass!.from(text, 'base64');
  // Every character Node skips, and any "=" before the end (where it stops), leaves fewer
  // than `end` characters decoded, which always makes the output shorter than this length:
  // as `end % 4` is never 1, one character fewer always means one byte fewer.
  if (buffer.length !== (end >>> 2) * 3 + (tail === 0 ? 0 : tail - 1)) return undefined;
  // Small Buffers are views into a shared pool; hand out a Uint8Array that owns its memory.
  const { buffer: memory, byteOffset, byteLength } = buffer;
  return byteOffset === 0 && memory.byteLength === byteLength
    ? new Uint8Array(memory, 0, byteLength)
    : new Uint8Array(buffer);
}
