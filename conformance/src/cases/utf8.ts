/**
 * UTF-8 (§8.1): valid texts must come back exactly, however they are fragmented; invalid ones
 * MUST fail the connection with 1007 — and, as the stack promises, as soon as the invalid byte
 * arrives (a late failure is NON-STRICT).
 */
import { concat, encodeFrame, OP } from '../driver/frames.js';
import { echoes, fails, text } from './expect.js';
import type { Case, Step } from './types.js';

const encoder = new TextEncoder();
const hex = (s: string): Uint8Array =>
  new Uint8Array(s.match(/../g)!.map((b) => Number.parseInt(b, 16)));

const VALID: [string, string][] = [
  ['ascii-and-latin', 'Hello-µ@ßöäüàá-UTF-8!!'],
  ['greek', 'κόσμε'],
  ['four-byte', '𝄞😀🌍🀄'],
  ['mixed', 'a€𐍈ü中😀z'],
  ['boundaries', '\u007f\u0080\u07ff\u0800\ud7ff\ue000\ufffd\uffff\u{10000}\u{10ffff}'],
  ['noncharacters', '\ufffe\uffff\u{1fffe}\u{10fffe}'],
  ['bom', '\ufeffwith BOM'],
  ['nul', 'nul\u0000inside'],
];

/** Invalid sequences (Markus Kuhn's stress test and Table 3-7 of Unicode): name, bytes. */
const INVALID: [string, string][] = [
  ['lone-continuation-80', '48656c6c6f80'],
  ['lone-continuation-bf', 'bf'],
  ['overlong-slash-2', 'c0af'],
  ['overlong-slash-3', 'e080af'],
  ['overlong-slash-4', 'f08080af'],
  ['overlong-max-2', 'c1bf'],
  ['overlong-max-3', 'e09fbf'],
  ['overlong-max-4', 'f08fbfbf'],
  ['surrogate-high', 'eda080'],
  ['surrogate-low', 'edbfbf'],
  ['surrogate-pair', 'eda080edb080'],
  ['above-10ffff', 'f4908080'],
  ['f5-lead', 'f5808080'],
  ['five-byte', 'f888808080'],
  ['six-byte', 'fc8480808080'],
  ['fe', 'fe'],
  ['ff', 'ff'],
  ['truncated-2-at-end', 'cebae1bdb9cf83cebcce'],
  ['truncated-4-at-end', '48656c6c6ff09f98'],
  ['start-without-continuation', 'c0206869'],
  ['in-the-middle', 'cebae1bdb9cf83cebcceb5eda080656469746564'],
];

/** Index of the first byte that no valid UTF-8 text could continue with, or -1 (Unicode Table 3-7). */
export function firstInvalidByte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b === 0xe0) [need, lo] = [2, 0xa0];
    else if (b === 0xed) [need, hi] = [2, 0x9f];
    else if (b >= 0xe1 && b <= 0xef) need = 2;
    else if (b === 0xf0) [need, lo] = [3, 0x90];
    else if (b === 0xf4) [need, hi] = [3, 0x8f];
    else if (b >= 0xf1 && b <= 0xf3) need = 3;
    else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return -1;
      const c = bytes[i + k]!;
      if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i + k;
    }
    i += need + 1;
  }
  return -1;
}

const cases: Case[] = [];

for (const [name, value] of VALID) {
  cases.push({
    id: `utf8.valid-${name}`,
    group: 'utf8',
    title: `valid text: ${JSON.stringify(value).slice(0, 40)}`,
    steps: [{ frames: [{ opcode: OP.text, payload: value }] }],
    finish: 'echo',
    expect: echoes([text(value)]),
  });
}

// A text with 2-, 3- and 4-byte characters, split into two fragments at every byte.
const SPLIT_TEXT = 'a😀κ€𝄞';
const splitBytes = encoder.encode(SPLIT_TEXT);
for (let at = 1; at < splitBytes.length; at++) {
  cases.push({
    id: `utf8.valid-split-at-${at}`,
    group: 'utf8',
    title: `${JSON.stringify(SPLIT_TEXT)} in two fragments split after byte ${at}`,
    steps: [
      {
        frames: [
          { opcode: OP.text, fin: false, payload: splitBytes.subarray(0, at) },
          { opcode: OP.continuation, payload: splitBytes.subarray(at) },
        ],
      },
    ],
    finish: 'echo',
    expect: echoes([text(SPLIT_TEXT)]),
  });
}

cases.push(
  {
    id: 'utf8.valid-one-byte-fragments',
    group: 'utf8',
    title: `${JSON.stringify(SPLIT_TEXT)} with one byte per fragment`,
    steps: [
      {
        frames: Array.from(splitBytes, (_, i) => ({
          opcode: i === 0 ? OP.text : OP.continuation,
          fin: i === splitBytes.length - 1,
          payload: splitBytes.subarray(i, i + 1),
        })),
      },
    ],
    finish: 'echo',
    expect: echoes([text(SPLIT_TEXT)]),
  },
  {
    id: 'utf8.valid-bytewise',
    group: 'utf8',
    title: `${JSON.stringify(SPLIT_TEXT)} in one frame written one byte per TCP write`,
    steps: [{ frames: [{ opcode: OP.text, payload: SPLIT_TEXT }], chunking: 'bytes' }],
    finish: 'echo',
    expect: echoes([text(SPLIT_TEXT)]),
  },
);

for (const [name, bytes] of INVALID) {
  cases.push({
    id: `utf8.invalid-${name}`,
    group: 'utf8',
    title: `invalid text ${bytes} in one frame`,
    steps: [{ frames: [{ opcode: OP.text, payload: hex(bytes) }] }],
    finish: 'fail',
    expect: fails(1007),
  });
  cases.push({
    id: `utf8.invalid-${name}-fragmented`,
    group: 'utf8',
    title: `invalid text ${bytes} split into fragments at every byte`,
    steps: [
      {
        frames: Array.from(hex(bytes), (byte, i) => ({
          opcode: i === 0 ? OP.text : OP.continuation,
          fin: i === bytes.length / 2 - 1,
          payload: new Uint8Array([byte]),
        })),
      },
    ],
    finish: 'fail',
    expect: fails(1007),
  });
}

/** Fail-fast: the Close must come after the bad byte and before the rest is written. */
const FAST: [string, string][] = [
  ['lone-continuation', '80'],
  ['overlong', 'c0af'],
  ['surrogate', 'eda080'],
  ['above-10ffff', 'f4908080'],
  ['ff', 'ff'],
];
/**
 * Inside one frame nothing can be interleaved, so the bad byte gets this long to cause the Close
 * before the rest is written (a generous hang guard: a fail-fast peer answers in milliseconds).
 */
const FAST_WAIT_MS = 2000;
const PREFIX = encoder.encode('Hello-κόσμε-');
const TAIL = encoder.encode('-and-then-a-long-valid-tail-'.repeat(8));

for (const [name, bytes] of FAST) {
  const payload = concat([PREFIX, hex(bytes), TAIL]);
  const bad = firstInvalidByte(payload);
  // Single frame, payload trickling in 4-byte pieces: fail at the bad byte, mid-frame.
  const frame = (sender: 'client' | 'server') => encodeFrame({ opcode: OP.text, payload }, sender);
  const slow = (sender: 'client' | 'server'): Step[] => {
    const bytesOut = frame(sender);
    const cut = bytesOut.length - payload.length + bad + 1;
    return [
      { raw: bytesOut.subarray(0, cut), chunking: { size: 4, delayMs: 2 } },
      { awaitClose: FAST_WAIT_MS },
      { mark: 'rest' },
      { raw: bytesOut.subarray(cut), chunking: { size: 16, delayMs: 2 } },
    ];
  };
  for (const mode of ['server', 'client'] as const) {
    cases.push({
      id: `utf8.fail-fast-${name}-slow-frame${mode === 'client' ? '-from-server' : ''}`,
      group: 'utf8',
      modes: [mode],
      title: `"Hello-κόσμε-" + ${bytes} + tail in one frame arriving in 4-byte pieces`,
      steps: slow(mode === 'server' ? 'client' : 'server'),
      finish: 'fail',
      expect: fails(1007, { failFastMark: 'rest' }),
    });
  }
  cases.push({
    id: `utf8.fail-fast-${name}-in-fragment`,
    group: 'utf8',
    title: `valid first fragment, then a fragment with ${bytes}, then (later) the final fragment`,
    steps: [
      {
        frames: [
          { opcode: OP.text, fin: false, payload: PREFIX },
          { opcode: OP.continuation, fin: false, payload: concat([hex(bytes), TAIL]) },
        ],
      },
      { probe: true },
      { mark: 'rest' },
      { frames: [{ opcode: OP.continuation, payload: TAIL }] },
    ],
    finish: 'fail',
    expect: fails(1007, { failFastMark: 'rest' }),
  });
  const seq = hex(bytes);
  if (seq.length > 1) {
    cases.push({
      id: `utf8.fail-fast-${name}-split-across-fragments`,
      group: 'utf8',
      title: `${bytes} split across two fragments, then (later) the final fragment`,
      steps: [
        {
          frames: [
            { opcode: OP.text, fin: false, payload: concat([PREFIX, seq.subarray(0, 1)]) },
            { opcode: OP.continuation, fin: false, payload: seq.subarray(1) },
          ],
        },
        { probe: true },
        { mark: 'rest' },
        { frames: [{ opcode: OP.continuation, payload: TAIL }] },
      ],
      finish: 'fail',
      expect: fails(1007, { failFastMark: 'rest' }),
    });
  }
}

export default cases;
