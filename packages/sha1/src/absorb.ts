import { compress } from './compress.js';

/** SHA-1 hashes 64-byte blocks (FIPS 180-4 §1, Figure 1). */
export const BLOCK_BYTES = 64;

/**
 * Appends `data` to a message whose first `length` bytes are absorbed into `state`, with the
 * partial tail in `block`. Whole blocks are compressed straight from `data`; only the tail is
 * copied. Returns the new message length.
 */
export function absorbBytes(
  state: Int32Array,
  block: Uint8Array,
  length: number,
  data: Uint8Array,
): number {
  const n = data.length;
  let pos = length % BLOCK_BYTES;
  let i = 0;
  if (pos > 0) {
    const take = Math.min(BLOCK_BYTES - pos, n);
    for (; i < take; i++) block[pos++] = data[i];
    if (pos < BLOCK_BYTES) return length + n;
    compress(state, block, 0, BLOCK_BYTES);
  }
  const wholeEnd = n - ((n - i) % BLOCK_BYTES);
  if (wholeEnd > i) compress(state, data, i, wholeEnd);
  for (let j = 0; wholeEnd + j < n; j++) block[j] = data[wholeEnd + j];
  return length + n;
}
