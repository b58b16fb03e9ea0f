/**
 * Streaming UTF-8 validation (RFC 3629 §4, as RFC 6455 §8.1 requires for text messages and
 * close reasons). A message may arrive in any number of frames and each frame in any number of
 * chunks, so the validator keeps the state of a sequence split between pushes and reports the
 * index of the FIRST byte that makes the input invalid, in the push where it arrives: that is
 * what lets a connection fail with 1007 at once instead of when the message is complete.
 *
 * How it is fast. Medians of interleaved runs, Node 20 on a shared 2-core machine (ratios
 * matter, not the absolute figures); "mixed" is JSON with Latin, Greek, Cyrillic, CJK and
 * emoji (about half its bytes non-ASCII), "ASCII" is plain JSON:
 *
 * |                                   | 16 B ASCII | 1 KiB ASCII | 64 KiB–1 MiB ASCII | 1 KiB–1 MiB mixed |
 * | --------------------------------- | ---------- | ----------- | ------------------ | ----------------- |
 * | this file (push or isValidUtf8)   | 21 ns      | 5.7 GB/s    | 9.5–9.9 GB/s       | 1.07–1.11 GB/s    |
 * | naive byte loop (range state)     | 30–37 ns   | 0.94 GB/s   | 0.89–0.96 GB/s     | 0.56–0.59 GB/s    |
 * | Hoehrmann-style state×byte DFA    | 23 ns      | 0.47 GB/s   | 0.47–0.52 GB/s     | 0.48–0.50 GB/s    |
 * | TextDecoder fatal, one shot       | 55 ns      | 4.6 GB/s    | 1.7–4.4 GB/s       | 0.23–0.34 GB/s    |
 * | TextDecoder fatal, stream: true   | 211 ns     | 0.88 GB/s   | 1.1 GB/s           | 0.59–0.72 GB/s    |
 * | node:buffer isUtf8 (simdutf, ref) | 26 ns      | 24 GB/s     | 48–64 GB/s         | 15–21 GB/s        |
 *
 * - ASCII runs are skipped 16 bytes at a time through a Uint32Array view of the aligned middle
 *   of the input (`(w0 | w1 | w2 | w3) & 0x80808080`), then a word at a time: 10.2 GB/s against
 *   7.5 GB/s for 8 bytes at a time, 2.3 GB/s for a 4-bytes-OR loop on the Uint8Array. The view
 *   is made only for 64 bytes or more; below that a tight byte loop is faster.
 * - A non-ASCII lead byte is looked up once in a 256-entry table giving the sequence length and
 *   the allowed range of its second byte (the only byte whose range depends on the lead), and
 *   the whole sequence is checked at once while it lies inside the chunk: 1.05 GB/s on mixed
 *   text, against 0.63 GB/s for if-chains on the lead and 0.50 GB/s for the table DFA (one
 *   dependent load per byte; branch-light but slower in V8).
 * - Only a sequence cut by the end of a chunk goes through the byte-at-a-time state (`need`,
 *   `lo`, `hi`), so chunking costs nothing but the boundaries.
 * - `TextDecoder` is not used, for any size: it builds a string it then throws away, and is
 *   1.2–5.6× slower on valid text (Node 22: the same picture). It only wins when the input is
 *   invalid, where the exact index has to come from this file anyway.
 * - A platform whole-buffer check can be injected (`isUtf8`, e.g. node:buffer's, simdutf); this
 *   file stays runtime-agnostic. `push` gives it the complete sequences of a chunk (the lead
 *   bytes of the last 3 say where the last one ends) and scans only the cut sequence after
 *   them; a `false` sends the whole chunk through `scan` for the exact index. Measured (same
 *   machine; "mixed" here is the benchmark suite's text, more CJK and emoji, so the pure path
 *   is slower on it than above):
 *
 * |                                  | 64 B (not asked) | 1 KiB      | 64 KiB / 1 MiB | same, in 1–4 KiB pieces |
 * | -------------------------------- | ---------------- | ---------- | -------------- | ----------------------- |
 * | ASCII, pure `push`               | 62–63 ns         | 4.8 GB/s   | 7.2–7.3 GB/s   | 6.0–6.2 GB/s            |
 * | ASCII, `push` + node isUtf8 hook | 61–62 ns         | 22–26 GB/s | 73–77 GB/s     | 39–41 GB/s              |
 * | ASCII, node isUtf8 alone         | 25–26 ns         | 29–32 GB/s | 72–78 GB/s     | 43–45 GB/s              |
 * | mixed, pure `push`               | 82–83 ns         | 1.04 GB/s  | 0.49–0.64 GB/s | 0.48–0.63 GB/s          |
 * | mixed, `push` + node isUtf8 hook | 83 ns            | 13–14 GB/s | 19–20 GB/s     | 13–14 GB/s              |
 * | mixed, node isUtf8 alone         | 25–26 ns         | 16 GB/s    | 19–20 GB/s     | 16–18 GB/s              |
 *
 *   The hook costs a call (≈ 30 ns) plus a `subarray` (≈ 35 ns) when the chunk starts or ends
 *   inside a sequence, so it is asked only from PLATFORM_MIN bytes: with a subarray, 128-byte
 *   ASCII is at par (69 vs 66 ns) and 64-byte mixed text 1.2× faster; without one, the hook
 *   wins from 32 bytes.
 */

/** Continuation bytes are 0x80–0xBF (RFC 3629 §4, UTF8-tail). */
const TAIL_LO = 0x80;
const TAIL_HI = 0xbf;
const ASCII_WORD_MASK = 0x80808080;
/** Below this many bytes a Uint32Array view costs more than the byte loop it saves. */
const WORD_VIEW_MIN = 64;
/** From this many bytes a chunk goes to the `isUtf8` hook first (when given): measured above. */
const PLATFORM_MIN = 128;

/**
 * Per lead byte: `length | secondLo << 8 | (secondHi - secondLo) << 16`, or 0 for a byte that
 * cannot start a sequence. RFC 3629 §4 (UTF8-2/3/4):
 * - C0, C1 would only start overlong 2-byte forms, 80–BF are continuation bytes, and F5–FF would
 *   start code points above U+10FFFF (or the withdrawn 5/6-byte forms, FE, FF): never valid.
 * - E0 needs A0–BF next (no overlong 3-byte form); ED needs 80–9F (no UTF-16 surrogates,
 *   U+D800–DFFF); F0 needs 90–BF (no overlong 4-byte form); F4 needs 80–8F (nothing above
 *   U+10FFFF). Every other second byte, and every later byte, is a plain 80–BF tail.
 */
const LEAD = /* @__PURE__ */ buildLeadTable();

function buildLeadTable(): Uint32Array {
  const table = new Uint32Array(256);
  for (let b = 0xc2; b <= 0xf4; b++) {
    const length = b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : TAIL_LO;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : TAIL_HI;
    table[b] = length | (lo << 8) | ((hi - lo) << 16);
  }
  return table;
}

/**
 * Validates the complete sequences of `bytes` from `start`. Returns the index of the first
 * invalid byte (>= 0), or `~stop` where `stop` is `bytes.length` or the start of a final
 * sequence that the chunk cuts short (its bytes not checked yet).
 */
function scan(bytes: Uint8Array, start: number): number {
  const n = bytes.length;
  // `| 0` tells V8 the index is a small integer: measured 6–10% faster on mixed text.
  let i = start | 0;
  let words: Uint32Array | null = null;
  let wordBase = 0;
  if (n - start >= WORD_VIEW_MIN) {
    const offset = bytes.byteOffset;
    const aligned = (offset + 3) & ~3;
    wordBase = aligned - offset;
    words = new Uint32Array(bytes.buffer, aligned, (n - wordBase) >>> 2);
  }
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      if (words === null) {
        // Short input: a tight loop over the ASCII run (21 vs 35 ns for 16 ASCII bytes).
        while (i < n && bytes[i]! < 0x80) i++;
      } else if (((i - wordBase) & 3) === 0 && i >= wordBase) {
        let w = (i - wordBase) >>> 2;
        const count = words.length;
        // `w < count - 3`, not `w + 4 <= count`: the first form lets V8 drop the bounds checks
        // (10.1 vs 8.6 GB/s on ASCII).
        const last4 = count - 3;
        while (
          w < last4 &&
          ((words[w]! | words[w + 1]! | words[w + 2]! | words[w + 3]!) & ASCII_WORD_MASK) === 0
        ) {
          w += 4;
        }
        while (w < count && (words[w]! & ASCII_WORD_MASK) === 0) w++;
        i = wordBase + (w << 2);
      }
      continue;
    }
    const info = LEAD[b]!;
    const length = info & 0xff;
    if (length === 0) return i;
    if (i + length > n) return ~i;
    // Unsigned compare: below `lo` wraps to a huge number, so one test checks both bounds.
    if ((bytes[i + 1]! - ((info >>> 8) & 0xff)) >>> 0 > info >>> 16) return i + 1;
    if (length === 2) {
      i += 2;
      continue;
    }
    if ((bytes[i + 2]! & 0xc0) !== 0x80) return i + 2;
    if (length === 3) {
      i += 3;
      continue;
    }
    if ((bytes[i + 3]! & 0xc0) !== 0x80) return i + 3;
    i += 4;
  }
  return ~n;
}

/**
 * Where the complete sequences of `bytes` (from a sequence boundary at `start`) end, judging by
 * the lead bytes alone: the index of a lead byte among the last 3 whose sequence the chunk cuts
 * short, else `bytes.length`. Only a guess for invalid input (the platform check then fails and
 * the exact answer comes from `scan`).
 */
function completeEnd(bytes: Uint8Array, start: number): number {
  const n = bytes.length;
  const floor = Math.max(n - 3, start);
  for (let j = n - 1; j >= floor; j--) {
    const b = bytes[j]!;
    if (b < 0x80) return n;
    if (b >= 0xc0) return j + (LEAD[b]! & 0xff) > n ? j : n;
  }
  return n;
}

export interface Utf8ValidatorOptions {
  /**
   * A whole-buffer check from the platform (Node: `isUtf8` from `node:buffer`, simdutf), called
   * without `this`. `push` hands it the complete sequences of a chunk of 128 bytes or more
   * (below that the call costs more than it saves). Only a strict `true` is trusted: those
   * bytes are not checked again, so the hook must be a correct validator (one that answers
   * `true` for invalid UTF-8 makes the validator accept it). Any other answer sends the whole
   * chunk through this file's own check, which finds the exact index: a wrong `false` only
   * costs time. Default: none.
   */
  isUtf8?: (bytes: Uint8Array) => boolean;
}

/**
 * An incremental UTF-8 validator. Feed it the bytes of one message in any chunking with
 * `push`, ask `end` whether the whole is complete valid UTF-8, and `reset` it for the next one.
 */
export class Utf8Validator {
  /** Bytes still expected for a sequence cut by the end of the previous push (0–3). */
  private need = 0;
  /** Allowed range of the next byte while `need > 0`. */
  private lo = TAIL_LO;
  private hi = TAIL_HI;
  private failed = false;
  private readonly isUtf8: ((bytes: Uint8Array) => boolean) | undefined;

  /** TypeError unless `options` is undefined or an object whose `isUtf8`, if any, is a function. */
  constructor(options?: Utf8ValidatorOptions) {
    if (options !== undefined && (options === null || typeof options !== 'object')) {
      throw new TypeError('Utf8Validator: expected an options object or undefined');
    }
    const isUtf8 = options?.isUtf8;
    if (isUtf8 !== undefined && typeof isUtf8 !== 'function') {
      throw new TypeError(
        'Utf8Validator: expected options.isUtf8 to be a function (bytes: Uint8Array) => boolean',
      );
    }
    this.isUtf8 = isUtf8;
  }

  /**
   * Validates the next chunk. Returns -1 while everything so far is valid UTF-8 or a valid
   * prefix of it; otherwise the index in `bytes` of the first byte that makes the input
   * invalid. Once failed, the validator stays failed and every later push returns 0.
   */
  push(bytes: Uint8Array): number {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('push expects a Uint8Array');
    if (this.failed) return 0;
    const n = bytes.length;
    let i = 0;
    if (this.need !== 0) {
      i = this.continueSequence(bytes, 0);
      if (i < 0) return this.fail(~i);
      if (this.need !== 0) return -1;
    }
    const isUtf8 = this.isUtf8;
    if (isUtf8 !== undefined && n - i >= PLATFORM_MIN) {
      // `i` is a sequence boundary, so a platform `true` for [i, cut) leaves the state exactly
      // as scanning them would: only the cut sequence after it is left to `scan`.
      const cut = completeEnd(bytes, i);
      if (isUtf8(i === 0 && cut === n ? bytes : bytes.subarray(i, cut)) === true) i = cut;
    }
    const r = scan(bytes, i);
    if (r >= 0) return this.fail(r);
    const stop = ~r;
    if (stop === n) return -1;
    // A sequence cut by the end of this chunk: check the bytes it has now, keep the rest.
    const info = LEAD[bytes[stop]!]!;
    this.need = (info & 0xff) - 1;
    this.lo = (info >>> 8) & 0xff;
    this.hi = this.lo + (info >>> 16);
    const j = this.continueSequence(bytes, stop + 1);
    return j < 0 ? this.fail(~j) : -1;
  }

  /** True iff everything pushed since the last reset is complete, valid UTF-8. */
  end(): boolean {
    return !this.failed && this.need === 0;
  }

  /** Forgets everything pushed, ready for a new message. */
  reset(): void {
    this.need = 0;
    this.lo = TAIL_LO;
    this.hi = TAIL_HI;
    this.failed = false;
  }

  /**
   * Checks the bytes of the pending sequence one at a time from `i` (RFC 3629 §4 ranges as set
   * up from its lead byte). Returns the index after them, or `~index` of a byte out of range:
   * the failure is reported at that byte even when the sequence began in an earlier push.
   */
  private continueSequence(bytes: Uint8Array, i: number): number {
    const n = bytes.length;
    let need = this.need;
    let lo = this.lo;
    let hi = this.hi;
    while (need !== 0 && i < n) {
      const b = bytes[i]!;
      if (b < lo || b > hi) return ~i;
      need--;
      lo = TAIL_LO;
      hi = TAIL_HI;
      i++;
    }
    this.need = need;
    this.lo = lo;
    this.hi = hi;
    return i;
  }

  private fail(index: number): number {
    this.failed = true;
    return index;
  }
}

/** True iff `bytes` is complete, valid UTF-8 (RFC 3629). */
export function isValidUtf8(bytes: Uint8Array): boolean {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('isValidUtf8 expects a Uint8Array');
  return scan(bytes, 0) === ~bytes.length;
}
