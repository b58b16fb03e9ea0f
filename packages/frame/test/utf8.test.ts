import { isUtf8 as nodeIsUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidUtf8, Utf8Validator } from '../src/utf8.js';

const hex = (s: string): Uint8Array =>
  Uint8Array.from(s.trim() === '' ? [] : s.trim().split(/\s+/), (h) => Number.parseInt(h, 16));
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const cat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/**
 * A slow reference written from RFC 3629 §3–4 directly, by code point arithmetic rather than
 * byte ranges: the index of the first byte after which no completion of the input is valid
 * UTF-8 (-1 if none), and whether the input is complete.
 */
function reference(bytes: Uint8Array): { firstInvalid: number; complete: boolean } {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const length =
      lead < 0x80
        ? 1
        : lead >> 5 === 0b110
          ? 2
          : lead >> 4 === 0b1110
            ? 3
            : lead >> 3 === 0b11110
              ? 4
              : 0;
    if (length === 0) return { firstInvalid: i, complete: false };
    const payloadBits = [0, 7, 5, 4, 3][length]!;
    const minCodePoint = [0, 0, 0x80, 0x800, 0x10000][length]!;
    let value = lead & ((1 << payloadBits) - 1);
    for (let k = 1; k <= length; k++) {
      // The code points still reachable from the bytes seen so far form [low, high].
      const missing = length - k;
      const low = value * 64 ** missing;
      const high = (value + 1) * 64 ** missing - 1;
      const reachable =
        high >= minCodePoint && low <= 0x10ffff && !(low >= 0xd800 && high <= 0xdfff);
      if (!reachable) return { firstInvalid: i + k - 1, complete: false };
      if (k === length) break;
      if (i + k >= bytes.length) return { firstInvalid: -1, complete: false };
      const next = bytes[i + k]!;
      if (next >> 6 !== 0b10) return { firstInvalid: i + k, complete: false };
      value = value * 64 + (next & 0x3f);
    }
    i += length;
  }
  return { firstInvalid: -1, complete: true };
}

const platformAccepts = (bytes: Uint8Array): boolean => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

/**
 * Pushes `bytes` cut at `cuts` (sorted, inside 1..length-1), asserting each push's result:
 * -1 before the chunk holding `firstInvalid`, its index within that chunk, 0 after.
 */
function feed(
  bytes: Uint8Array,
  cuts: readonly number[],
  firstInvalid: number,
  v: Utf8Validator = new Utf8Validator(),
): boolean {
  const bounds = [0, ...cuts, bytes.length];
  for (let c = 0; c + 1 < bounds.length; c++) {
    const start = bounds[c]!;
    const stop = bounds[c + 1]!;
    const expected =
      firstInvalid === -1 || firstInvalid >= stop
        ? -1
        : firstInvalid >= start
          ? firstInvalid - start
          : 0;
    expect(v.push(bytes.subarray(start, stop)), `chunk ${start}..${stop}`).toBe(expected);
  }
  return v.end();
}

const singleCuts = (n: number): number[][] => Array.from({ length: n + 1 }, (_, k) => [k]);
const byteByByte = (n: number): number[] =>
  Array.from({ length: Math.max(0, n - 1) }, (_, k) => k + 1);
function allPartitions(n: number): number[][] {
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << Math.max(0, n - 1); mask++) {
    out.push(byteByByte(n).filter((_, k) => (mask >> k) & 1));
  }
  return out;
}

interface Vector {
  name: string;
  bytes: Uint8Array;
  /** Index of the first byte that makes the input invalid, or -1. */
  fail: number;
  /** Whether end() is true (defaults to fail === -1). */
  complete?: boolean;
}

const valid = (name: string, bytes: Uint8Array): Vector => ({ name, bytes, fail: -1 });
const invalid = (name: string, bytes: Uint8Array, fail: number): Vector => ({ name, bytes, fail });
const truncated = (name: string, bytes: Uint8Array): Vector => ({
  name,
  bytes,
  fail: -1,
  complete: false,
});

// Markus Kuhn's UTF-8 decoder capability and stress test, plus RFC 3629 §4 and RFC 6455 §8.1.
const vectors: Vector[] = [
  valid('empty', hex('')),
  valid('ASCII', utf8('Hello, WebSocket!')),
  valid('Greek kosme (stress test §1)', utf8('κόσμε')),
  valid('U+0000', hex('00')),
  valid('U+007F', hex('7f')),
  valid('U+0080, first 2-byte', hex('c2 80')),
  valid('U+07FF, last 2-byte', hex('df bf')),
  valid('U+0800, first 3-byte', hex('e0 a0 80')),
  valid('U+D7FF, last before surrogates', hex('ed 9f bf')),
  valid('U+E000, first after surrogates', hex('ee 80 80')),
  valid('U+FEFF, BOM', hex('ef bb bf')),
  valid('U+FFFD', hex('ef bf bd')),
  valid('U+FFFE, noncharacter (allowed)', hex('ef bf be')),
  valid('U+FFFF, last 3-byte', hex('ef bf bf')),
  valid('U+10000, first 4-byte', hex('f0 90 80 80')),
  valid('U+10FFFF, last code point', hex('f4 8f bf bf')),
  valid('U+FDD0, noncharacter (allowed)', hex('ef b7 90')),
  valid('mixed JSON with CJK and emoji', utf8('{"msg":"héllo 世界 🎉","n":[1,2,3]}')),

  invalid('lone continuation 80', hex('80'), 0),
  invalid('lone continuation BF', hex('bf'), 0),
  invalid('continuation after ASCII', hex('41 80'), 1),
  invalid('extra continuation after 2-byte', hex('c2 80 80'), 2),
  invalid('extra continuation after 4-byte', hex('f0 90 80 80 bf'), 4),
  invalid('overlong NUL C0 80', hex('c0 80'), 0),
  invalid('overlong / C0 AF', hex('61 c0 af'), 1),
  invalid('overlong max 2-byte C1 BF', hex('c1 bf'), 0),
  invalid('overlong / E0 80 AF', hex('e0 80 af'), 1),
  invalid('overlong max 3-byte E0 9F BF', hex('e0 9f bf'), 1),
  invalid('overlong / F0 80 80 AF', hex('f0 80 80 af'), 1),
  invalid('overlong max 4-byte F0 8F BF BF', hex('f0 8f bf bf'), 1),
  invalid('E0 then 80 fails at the 80', hex('e0 80'), 1),
  invalid('surrogate U+D800', hex('ed a0 80'), 1),
  invalid('surrogate U+DBFF', hex('ed af bf'), 1),
  invalid('surrogate U+DC00', hex('ed b0 80'), 1),
  invalid('surrogate U+DFFF', hex('ed bf bf'), 1),
  invalid('surrogate pair U+D800 U+DC00', hex('ed a0 80 ed b0 80'), 1),
  invalid('U+110000 F4 90 80 80', hex('f4 90 80 80'), 1),
  invalid('F4 BF', hex('f4 bf bf bf'), 1),
  invalid('F5 lead', hex('f5 80 80 80'), 0),
  invalid('F7 BF BF BF (U+1FFFFF)', hex('f7 bf bf bf'), 0),
  invalid('5-byte form F8 88 80 80 80', hex('f8 88 80 80 80'), 0),
  invalid('5-byte overlong F8 80 80 80 AF', hex('f8 80 80 80 af'), 0),
  invalid('6-byte form FC 84 80 80 80 80', hex('fc 84 80 80 80 80'), 0),
  invalid('6-byte max FD BF BF BF BF BF', hex('fd bf bf bf bf bf'), 0),
  invalid('FE', hex('fe'), 0),
  invalid('FF', hex('ff'), 0),
  invalid('FE FE FF FF', hex('fe fe ff ff'), 0),
  invalid('F0 90 then 28 fails at the 28', hex('f0 90 28'), 2),
  invalid('2-byte cut by ASCII', hex('c2 41'), 1),
  invalid('3-byte cut by ASCII', hex('e0 a0 41'), 2),
  invalid('4-byte cut by ASCII', hex('f0 90 80 41'), 3),
  invalid('4-byte cut by a lead', hex('f0 f0'), 1),
  invalid('3-byte cut by a lead', hex('e1 80 e1 80 80'), 2),
  invalid(
    'invalid after valid text',
    cat(utf8('κόσμε'), hex('ed a0 80'), utf8('edited')),
    utf8('κόσμε').length + 1,
  ),
  invalid('invalid at the end of a long ASCII run', cat(utf8('x'.repeat(37)), hex('ff')), 37),

  truncated('2-byte missing 1', hex('c2')),
  truncated('3-byte missing 1', hex('e0 a0')),
  truncated('3-byte missing 2', hex('e1')),
  truncated('4-byte missing 1', hex('f0 90 80')),
  truncated('4-byte missing 2', hex('f4 8f')),
  truncated('4-byte missing 3', hex('f3')),
  truncated('valid text then a cut emoji', cat(utf8('ok 😀'), hex('f0 9f 98'))),
];

// Stress test §3.2: every lead byte followed by a space; §3.1: every continuation byte alone.
for (let b = 0xc0; b <= 0xff; b++) {
  const badLead = b < 0xc2 || b > 0xf4;
  vectors.push(
    invalid(`lead ${b.toString(16)} then space`, Uint8Array.of(b, 0x20), badLead ? 0 : 1),
  );
}
for (let b = 0x80; b <= 0xbf; b++) {
  vectors.push(invalid(`continuation ${b.toString(16)} after ASCII`, Uint8Array.of(0x61, b), 1));
}

describe('Utf8Validator vectors', () => {
  for (const v of vectors) {
    const complete = v.complete ?? v.fail === -1;
    it(`${v.name}: ${v.fail === -1 ? (complete ? 'valid' : 'truncated') : `fails at ${v.fail}`}`, () => {
      // The vector itself agrees with the reference and the platform decoder.
      expect(reference(v.bytes)).toEqual({ firstInvalid: v.fail, complete });
      expect(platformAccepts(v.bytes)).toBe(complete);

      expect(isValidUtf8(v.bytes)).toBe(complete);
      expect(feed(v.bytes, [], v.fail)).toBe(complete);
      expect(feed(v.bytes, byteByByte(v.bytes.length), v.fail)).toBe(complete);
      const splits =
        v.bytes.length <= 12 ? allPartitions(v.bytes.length) : singleCuts(v.bytes.length);
      for (const cuts of splits) expect(feed(v.bytes, cuts, v.fail)).toBe(complete);
    });
  }
});

describe('Utf8Validator lifecycle', () => {
  it('stays failed: later pushes return 0 and end() is false', () => {
    const v = new Utf8Validator();
    expect(v.push(hex('41 ff 41'))).toBe(1);
    expect(v.push(utf8('fine'))).toBe(0);
    expect(v.push(new Uint8Array(0))).toBe(0);
    expect(v.end()).toBe(false);
  });

  it('reset() clears a failure and a sequence in progress', () => {
    const v = new Utf8Validator();
    v.push(hex('ff'));
    v.reset();
    expect(v.push(utf8('ok'))).toBe(-1);
    expect(v.end()).toBe(true);
    v.push(hex('e0'));
    expect(v.end()).toBe(false);
    v.reset();
    expect(v.push(hex('80'))).toBe(0);
  });

  it('end() does not consume state: a truncated sequence can still be completed', () => {
    const v = new Utf8Validator();
    expect(v.push(hex('e2 82'))).toBe(-1);
    expect(v.end()).toBe(false);
    expect(v.push(hex('ac'))).toBe(-1);
    expect(v.end()).toBe(true);
  });

  it('empty pushes change nothing', () => {
    const v = new Utf8Validator();
    expect(v.push(new Uint8Array(0))).toBe(-1);
    expect(v.push(hex('f0 9f'))).toBe(-1);
    expect(v.push(new Uint8Array(0))).toBe(-1);
    expect(v.push(hex('98 80'))).toBe(-1);
    expect(v.end()).toBe(true);
  });

  it('validates a view at its own offsets (subarray of a larger buffer)', () => {
    const backing = cat(hex('ff ff ff'), utf8('aé世😀'), hex('ff ff'));
    const view = backing.subarray(3, backing.length - 2);
    expect(isValidUtf8(view)).toBe(true);
    const bad = backing.subarray(2, 6);
    expect(new Utf8Validator().push(bad)).toBe(0);
  });

  it('rejects a non-Uint8Array with a TypeError', () => {
    const v = new Utf8Validator();
    expect(() => v.push('abc' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => isValidUtf8([0x41] as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('exhaustive short inputs against the reference', () => {
  it('every 1- and 2-byte input, whole and split', () => {
    const v = new Utf8Validator();
    const pair = new Uint8Array(2);
    const mismatches: string[] = [];
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 256; b++) {
        pair[0] = a;
        pair[1] = b;
        const ref = reference(pair);
        v.reset();
        const whole = [v.push(pair), v.end()];
        v.reset();
        const split = [v.push(pair.subarray(0, 1)), v.push(pair.subarray(1)), v.end()];
        const expectedSplit =
          ref.firstInvalid === 0 ? [0, 0] : ref.firstInvalid === 1 ? [-1, 0] : [-1, -1];
        if (
          whole[0] !== ref.firstInvalid ||
          whole[1] !== ref.complete ||
          split[0] !== expectedSplit[0] ||
          split[1] !== expectedSplit[1] ||
          split[2] !== ref.complete
        ) {
          mismatches.push(`${a.toString(16)} ${b.toString(16)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('every lead E0–F4 with every second byte and boundary third/fourth bytes', () => {
    const tails = [0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xf4, 0xff];
    const v = new Utf8Validator();
    const mismatches: string[] = [];
    for (let a = 0xe0; a <= 0xf4; a++) {
      for (let b = 0; b < 256; b++) {
        for (const c of tails) {
          for (const d of tails) {
            const input = Uint8Array.of(a, b, c, d);
            const ref = reference(input);
            v.reset();
            const got = v.push(input);
            if (
              got !== ref.firstInvalid ||
              v.end() !== ref.complete ||
              isValidUtf8(input) !== ref.complete
            ) {
              mismatches.push(Array.from(input, (x) => x.toString(16)).join(' '));
            }
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('word-at-a-time ASCII path', () => {
  it('finds a fault at every position of long runs, at every byte offset 0–7', () => {
    const texts = [
      utf8('a'.repeat(150)),
      utf8(`${'ascii '.repeat(12)}é${'x'.repeat(70)}世${'y'.repeat(9)}😀${'z'.repeat(40)}`),
    ];
    const mismatches: string[] = [];
    for (const text of texts) {
      for (let offset = 0; offset < 8; offset++) {
        const backing = new Uint8Array(text.length + 16);
        const bytes = backing.subarray(offset, offset + text.length);
        for (let at = 0; at <= text.length; at++) {
          for (const bad of [0x80, 0xc3, 0xe0, 0xf0, 0xff]) {
            bytes.set(text);
            if (at < text.length) bytes[at] = bad;
            const ref = reference(bytes);
            const whole = new Utf8Validator();
            const halves = new Utf8Validator();
            const cut = at >> 1;
            const h1 = halves.push(bytes.subarray(0, cut));
            const h2 = halves.push(bytes.subarray(cut));
            const expectedHalves =
              ref.firstInvalid === -1
                ? [-1, -1]
                : ref.firstInvalid < cut
                  ? [ref.firstInvalid, 0]
                  : [-1, ref.firstInvalid - cut];
            if (
              whole.push(bytes) !== ref.firstInvalid ||
              whole.end() !== ref.complete ||
              isValidUtf8(bytes) !== ref.complete ||
              h1 !== expectedHalves[0] ||
              h2 !== expectedHalves[1] ||
              halves.end() !== ref.complete
            ) {
              mismatches.push(`offset ${offset} at ${at} byte ${bad.toString(16)}`);
            }
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});

/** Sorted cut points inside `n` bytes. */
const cutsFor = (n: number) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: Math.max(1, n - 1) }), { maxLength: 16 })
    .map((cs) => cs.filter((c) => c < n).sort((a, b) => a - b));

/** Biased bytes: mostly the interesting boundaries, so random inputs are often nearly valid. */
const interestingByte = fc.oneof(
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom(
    0x41,
    0x7f,
    0x80,
    0x8f,
    0x90,
    0x9f,
    0xa0,
    0xbf,
    0xc1,
    0xc2,
    0xdf,
    0xe0,
    0xed,
    0xef,
    0xf0,
    0xf4,
    0xf5,
  ),
);

describe('properties', () => {
  it('TextEncoder output is valid under any chunking', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 64 }).chain((s) => {
          const bytes = utf8(s);
          return fc.tuple(fc.constant(bytes), cutsFor(bytes.length));
        }),
        ([bytes, cuts]) => {
          expect(isValidUtf8(bytes)).toBe(true);
          expect(feed(bytes, cuts, -1)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('full-Unicode strings (lone surrogates replaced by U+FFFD) are valid', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(isValidUtf8(utf8(s))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('random bytes: verdict equals TextDecoder fatal and the reference, under any chunking', () => {
    fc.assert(
      fc.property(
        fc
          .uint8Array({ maxLength: 48 })
          .chain((bytes) => fc.tuple(fc.constant(bytes), cutsFor(bytes.length))),
        ([bytes, cuts]) => {
          const ref = reference(bytes);
          expect(ref.complete).toBe(platformAccepts(bytes));
          expect(isValidUtf8(bytes)).toBe(ref.complete);
          expect(feed(bytes, cuts, ref.firstInvalid)).toBe(ref.complete);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('nearly-valid bytes: exact first invalid index under any chunking', () => {
    fc.assert(
      fc.property(
        fc
          .array(
            fc.oneof(interestingByte, fc.string({ unit: 'grapheme', maxLength: 3 }).map(utf8)),
            {
              maxLength: 40,
            },
          )
          .map((parts) => cat(...parts.map((p) => (typeof p === 'number' ? Uint8Array.of(p) : p))))
          .chain((bytes) => fc.tuple(fc.constant(bytes), cutsFor(bytes.length))),
        ([bytes, cuts]) => {
          const ref = reference(bytes);
          expect(ref.complete).toBe(platformAccepts(bytes));
          expect(isValidUtf8(bytes)).toBe(ref.complete);
          expect(feed(bytes, cuts, ref.firstInvalid)).toBe(ref.complete);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('long inputs: a fault anywhere in a large valid text is found at its exact index', () => {
    const text = utf8(`${'plain ascii run '.repeat(40)}{"k":"値 😀 ü"}`.repeat(4));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: text.length - 1 }),
        fc.constantFrom(0x80, 0xc0, 0xff, 0xed, 0xf5),
        cutsFor(text.length),
        (at, bad, cuts) => {
          const bytes = text.slice();
          bytes[at] = bad;
          const ref = reference(bytes);
          expect(isValidUtf8(bytes)).toBe(ref.complete);
          expect(feed(bytes, cuts, ref.firstInvalid)).toBe(ref.complete);
        },
      ),
      { numRuns: 500 },
    );
  });
});

/** Wraps a hook, counting its calls and keeping what it answered. */
function spy(hook: (bytes: Uint8Array) => boolean) {
  const calls: { length: number; answer: boolean }[] = [];
  const isUtf8 = (bytes: Uint8Array): boolean => {
    const answer = hook(bytes);
    calls.push({ length: bytes.length, answer });
    return answer;
  };
  return { isUtf8, calls };
}

/** Long enough for the hook to be asked (the threshold is a few hundred bytes). */
const ASCII_PAD = utf8('a'.repeat(300));
const MIXED_PAD = utf8('{"κόσμε":"世界 😀","n":1} '.repeat(10));

/** Pushes `bytes` cut at `cuts` into `v`: every push's result, then end(). */
function run(bytes: Uint8Array, cuts: readonly number[], v: Utf8Validator): (number | boolean)[] {
  const bounds = [0, ...cuts, bytes.length];
  const out: (number | boolean)[] = [];
  for (let c = 0; c + 1 < bounds.length; c++)
    out.push(v.push(bytes.subarray(bounds[c]!, bounds[c + 1]!)));
  out.push(v.end());
  return out;
}

/** What `run` must give, from the reference: -1 before the failing chunk, its index there, 0 after. */
function expectedRun(
  n: number,
  cuts: readonly number[],
  ref: { firstInvalid: number; complete: boolean },
): (number | boolean)[] {
  const bounds = [0, ...cuts, n];
  const out: (number | boolean)[] = [];
  for (let c = 0; c + 1 < bounds.length; c++) {
    const f = ref.firstInvalid;
    out.push(f === -1 || f >= bounds[c + 1]! ? -1 : f >= bounds[c]! ? f - bounds[c]! : 0);
  }
  out.push(ref.complete);
  return out;
}

describe('Utf8Validator with an isUtf8 hook (node:buffer isUtf8, simdutf)', () => {
  it('agrees with the pure validator, the reference and buffer.isUtf8 on every vector, padded, cut at every byte', () => {
    const mismatches: string[] = [];
    let asked = 0;
    for (const v of vectors) {
      for (const [before, after] of [
        [ASCII_PAD, new Uint8Array(0)],
        [MIXED_PAD, ASCII_PAD],
        [ASCII_PAD, MIXED_PAD],
      ] as const) {
        const bytes = cat(before, v.bytes, after);
        const ref = reference(bytes);
        if (nodeIsUtf8(bytes) !== ref.complete) mismatches.push(`buffer.isUtf8: ${v.name}`);
        const hook = spy(nodeIsUtf8);
        // Whole; cut once at every byte around the vector and every 7th elsewhere; cut at
        // every byte of the vector at once.
        const near = (c: number) =>
          c >= before.length - 8 && c <= before.length + v.bytes.length + 8;
        const cutLists: number[][] = [[]];
        for (let c = 1; c < bytes.length; c++) if (near(c) || c % 7 === 0) cutLists.push([c]);
        cutLists.push(
          Array.from({ length: v.bytes.length + 1 }, (_, k) => before.length + k).filter(
            (c) => c > 0 && c < bytes.length,
          ),
        );
        for (const cuts of cutLists) {
          const expected = expectedRun(bytes.length, cuts, ref).join();
          const hooked = run(bytes, cuts, new Utf8Validator(hook)).join();
          const pure = run(bytes, cuts, new Utf8Validator()).join();
          if (hooked !== expected || pure !== expected) {
            mismatches.push(
              `${v.name} cut at ${cuts.join(' ')}: ${hooked} / ${pure} ≠ ${expected}`,
            );
          }
        }
        asked += hook.calls.length;
      }
    }
    expect(mismatches.slice(0, 10)).toEqual([]);
    // The hook was really asked, many times per vector.
    expect(asked).toBeGreaterThan(vectors.length * 3 * 50);
  });

  it('asks the hook only for chunks above the threshold, once each, with complete sequences', () => {
    const hook = spy(nodeIsUtf8);
    const v = new Utf8Validator(hook);
    expect(v.push(utf8('é'.repeat(32)))).toBe(-1);
    expect(hook.calls).toEqual([]);
    // 4 KiB of mixed text ending in the first 2 bytes of an emoji: the hook gets all but those.
    const cutEmoji = cat(utf8('x'.repeat(4094 - MIXED_PAD.length)), MIXED_PAD, hex('f0 9f'));
    expect(v.push(cutEmoji)).toBe(-1);
    expect(hook.calls).toEqual([{ length: cutEmoji.length - 2, answer: true }]);
    expect(v.end()).toBe(false);
    expect(v.push(hex('98 80'))).toBe(-1);
    expect(v.end()).toBe(true);
    // A chunk that starts inside a sequence: the hook gets what follows its end.
    expect(v.push(hex('f0 9f'))).toBe(-1);
    expect(v.push(cat(hex('98 80'), ASCII_PAD))).toBe(-1);
    expect(hook.calls.at(-1)).toEqual({ length: ASCII_PAD.length, answer: true });
    expect(v.end()).toBe(true);
  });

  it('a `false` from the hook never changes an answer: always-false gives the pure results', () => {
    const never = spy(() => false);
    for (const v of vectors) {
      const bytes = cat(MIXED_PAD, v.bytes, ASCII_PAD);
      const ref = reference(bytes);
      for (const cuts of [[], [MIXED_PAD.length], [MIXED_PAD.length + 1], [1, bytes.length - 1]]) {
        expect(feed(bytes, cuts, ref.firstInvalid, new Utf8Validator(never))).toBe(ref.complete);
      }
    }
    expect(never.calls.length).toBeGreaterThan(vectors.length);
  });

  it('only a strict `true` is trusted (a truthy non-boolean is not)', () => {
    const bytes = cat(ASCII_PAD, hex('ff'), ASCII_PAD);
    const truthy = (() => 1) as unknown as (bytes: Uint8Array) => boolean;
    expect(new Utf8Validator({ isUtf8: truthy }).push(bytes)).toBe(ASCII_PAD.length);
  });

  it('a `true` is trusted: an always-true hook makes the bytes it vouches for pass, but not a cut sequence after them', () => {
    const always = { isUtf8: () => true };
    const bad = cat(ASCII_PAD, hex('ff c0 80 ed a0 80'), ASCII_PAD);
    const v = new Utf8Validator(always);
    expect(v.push(bad)).toBe(-1);
    expect(v.end()).toBe(true);
    // Below the threshold the hook is not asked, so nothing changes.
    expect(new Utf8Validator(always).push(hex('ff'))).toBe(0);
    // The last sequence, cut by the end of the chunk, is left to the state machine.
    const w = new Utf8Validator(always);
    expect(w.push(cat(ASCII_PAD, hex('e0')))).toBe(-1);
    expect(w.push(hex('80'))).toBe(0);
    expect(w.end()).toBe(false);
  });

  it('rejects a bad options argument with a TypeError', () => {
    for (const options of [null, 5, 'isUtf8', { isUtf8: 'yes' }, { isUtf8: 1 }]) {
      expect(() => new Utf8Validator(options as never)).toThrow(TypeError);
    }
    expect(() => new Utf8Validator({})).not.toThrow();
    expect(() => new Utf8Validator({ isUtf8: undefined })).not.toThrow();
  });

  const bigText = utf8(`${'plain ascii run '.repeat(30)}{"k":"値 😀 ü κόσμε добрый 𝄞"}`.repeat(8));
  /** Cut points anywhere in `n` bytes, most chunks large enough for the hook. */
  const bigCuts = (n: number) =>
    fc
      .uniqueArray(fc.integer({ min: 1, max: n - 1 }), { maxLength: 12 })
      .map((cs) => cs.sort((a, b) => a - b));

  it('property: valid text in any chunking is accepted, and every hook call gets whole sequences', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: bigText.length - 1 }),
        fc.integer({ min: 1, max: bigText.length }),
        bigCuts(bigText.length),
        (from, length, cuts) => {
          // A slice of valid text may start or end inside a sequence: cut it to whole ones.
          let start = from;
          while (start < bigText.length && (bigText[start]! & 0xc0) === 0x80) start++;
          let stop = Math.min(bigText.length, start + length);
          while (stop < bigText.length && (bigText[stop]! & 0xc0) === 0x80) stop++;
          const bytes = bigText.subarray(start, stop);
          const hook = spy(nodeIsUtf8);
          const inside = cuts.filter((c) => c < bytes.length);
          expect(feed(bytes, inside, -1, new Utf8Validator(hook))).toBe(true);
          // On valid text the platform answer is always used (no wasted call).
          expect(hook.calls.every((c) => c.answer)).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('property: mutated text gives the same first invalid index and end() as the pure validator and the reference', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: bigText.length - 1 }),
            fc.constantFrom(0x80, 0xbf, 0xc0, 0xc2, 0xe0, 0xed, 0xf0, 0xf4, 0xf5, 0xff, 0x41),
          ),
          { minLength: 0, maxLength: 3 },
        ),
        bigCuts(bigText.length),
        (mutations, cuts) => {
          const bytes = bigText.slice();
          for (const [at, value] of mutations) bytes[at] = value;
          const ref = reference(bytes);
          expect(nodeIsUtf8(bytes)).toBe(ref.complete);
          expect(
            feed(bytes, cuts, ref.firstInvalid, new Utf8Validator({ isUtf8: nodeIsUtf8 })),
          ).toBe(ref.complete);
          expect(feed(bytes, cuts, ref.firstInvalid)).toBe(ref.complete);
        },
      ),
      { numRuns: 600 },
    );
  });

  it('property: random bytes after a long valid prefix, any chunking, agree with buffer.isUtf8', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.constantFrom(ASCII_PAD, MIXED_PAD),
        fc.integer({ min: 1, max: 700 }),
        (tail, pad, cut) => {
          const bytes = cat(pad, tail);
          const ref = reference(bytes);
          expect(nodeIsUtf8(bytes)).toBe(ref.complete);
          const cuts = cut < bytes.length ? [cut] : [];
          expect(
            feed(bytes, cuts, ref.firstInvalid, new Utf8Validator({ isUtf8: nodeIsUtf8 })),
          ).toBe(ref.complete);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
