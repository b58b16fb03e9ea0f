/** Payloads for the permessage-deflate groups: compressible text, incompressible bytes. */

/** ASCII JSON records of exactly `length` bytes; `seed` varies the content between messages. */
export function jsonText(length: number, seed = 0): string {
  let out = '';
  for (let id = seed; out.length < length; id++) {
    out += `{"id":${id},"name":"user-${(id * 7919) % 10007}","ok":${id % 3 === 0},"tags":["a","b${id % 5}"]},`;
  }
  return out.slice(0, length);
}

/** Deterministic bytes that do not compress (xorshift32). */
export function noise(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * A block of noise repeated: its only redundancy lies `period` bytes back, so a compressor that
 * uses a larger window than agreed produces distances an inflater with the agreed window rejects.
 */
export function repeated(length: number, period: number, seed = 3): Uint8Array {
  const block = noise(period, seed);
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = block[i % period]!;
  return out;
}

/** Lower-case letters repeated with a period, as text. */
export function repeatedText(length: number, period: number, seed = 5): string {
  const block = Array.from(noise(period, seed), (byte) => String.fromCharCode(97 + (byte % 26)));
  let out = '';
  while (out.length < length) out += block.join('');
  return out.slice(0, length);
}

/** "1 KiB" etc. for ids and titles. */
export function sizeName(bytes: number): string {
  return bytes >= 1024 && bytes % 1024 === 0 ? `${bytes / 1024}k` : `${bytes}`;
}
