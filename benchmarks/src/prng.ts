/**
 * mulberry32: a tiny, fast, seeded 32-bit PRNG. Not for secrets; here only so every run builds
 * the same corpus, chunkings and inputs.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Fills `target` with pseudo-random bytes, four at a time. */
  fill(target: Uint8Array): Uint8Array {
    const whole = target.length & ~3;
    for (let i = 0; i < whole; i += 4) {
      const word = this.nextUint32();
      target[i] = word;
      target[i + 1] = word >>> 8;
      target[i + 2] = word >>> 16;
      target[i + 3] = word >>> 24;
    }
    for (let i = whole; i < target.length; i++) target[i] = this.nextUint32();
    return target;
  }

  bytes(length: number): Uint8Array {
    return this.fill(new Uint8Array(length));
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}
