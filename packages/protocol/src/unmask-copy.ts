import { maskCopy } from '@ws/frame';

/** The key bytes for one `maskCopy` call; only used synchronously inside `unmaskCopy`. */
let scratch: Uint8Array | undefined;

/**
 * The packed key (key byte 0 in the low 8 bits, as the decoder passes it) as 4 bytes,
 * rotated to start at key byte `phase` (§5.3); only valid until the next call.
 */
export function keyBytes(key: number, phase: number): Uint8Array {
  const k = phase === 0 ? key : (key >>> (phase * 8)) | (key << (32 - phase * 8));
  const bytes = (scratch ??= new Uint8Array(4));
  bytes[0] = k & 0xff;
  bytes[1] = (k >>> 8) & 0xff;
  bytes[2] = (k >>> 16) & 0xff;
  bytes[3] = k >>> 24;
  return bytes;
}

/**
 * The Protocol's default `unmaskCopy` when neither the options nor the transport give one:
 * `target[offset + i] = source[i] ^ key byte (phase + i) & 3` (§5.3) through @ws/frame's
 * `maskCopy`, which copies through its WebAssembly SIMD kernel from 64 bytes (copy in, XOR,
 * copy out) instead of unmasking in place and then copying the result into the message.
 */
export function unmaskCopy(
  source: Uint8Array,
  target: Uint8Array,
  offset: number,
  key: number,
  phase: number,
): void {
  maskCopy(source, target, offset, keyBytes(key, 0), phase);
}
