import { Prng } from './prng.js';

/**
 * Text that compresses like real WebSocket traffic: a JSON array of small records with
 * repeated keys, a few enumerated values and random numbers and ids, cut to exactly `size`
 * bytes (ASCII, so bytes = characters). Deterministic for a seed.
 */
export function jsonLikePayload(size: number, seed: number): Uint8Array {
  if (!Number.isInteger(size) || size < 0)
    throw new RangeError(`size must be a non-negative integer, got ${size}`);
  const prng = new Prng(seed);
  const states = ['open', 'closed', 'pending', 'failed'];
  const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
  let text = '[';
  for (let id = 0; text.length < size; id++) {
    const record = {
      id,
      user: `user-${prng.int(0, 4999)}`,
      state: states[prng.int(0, states.length - 1)],
      score: Math.round(prng.next() * 1e6) / 100,
      tags: [words[prng.int(0, words.length - 1)], words[prng.int(0, words.length - 1)]],
      ok: prng.next() < 0.5,
    };
    text += `${id === 0 ? '' : ','}${JSON.stringify(record)}`;
  }
  return new TextEncoder().encode(text.slice(0, size));
}

/** Message counts of the bursts that make up `total` messages sent `burst` at a time. */
export function burstSizes(total: number, burst: number): number[] {
  if (!Number.isInteger(total) || total < 0)
    throw new RangeError(`total must be a non-negative integer, got ${total}`);
  if (!Number.isInteger(burst) || burst < 1)
    throw new RangeError(`burst must be a positive integer, got ${burst}`);
  const sizes: number[] = [];
  for (let left = total; left > 0; left -= burst) sizes.push(Math.min(burst, left));
  return sizes;
}
