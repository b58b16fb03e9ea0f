/** Fragmentation (§5.4): assembly, control frames between fragments, broken sequences. */
import { asciiText, closePayload, OP, pattern } from '../driver/frames.js';
import { binary, echoes, fails, text } from './expect.js';
import type { Case } from './types.js';

const C = OP.continuation;

const cases: Case[] = [
  {
    id: 'fragmentation.text-2',
    group: 'fragmentation',
    title: 'text in two fragments',
    steps: [
      {
        frames: [
          { opcode: OP.text, fin: false, payload: 'frag' },
          { opcode: C, payload: 'ment' },
        ],
      },
    ],
    finish: 'echo',
    expect: echoes([text('fragment')]),
  },
  {
    id: 'fragmentation.binary-3',
    group: 'fragmentation',
    title: 'binary in three fragments',
    steps: [
      {
        frames: [
          { opcode: OP.binary, fin: false, payload: pattern(100, 1) },
          { opcode: C, fin: false, payload: pattern(200, 2) },
          { opcode: C, payload: pattern(300, 3) },
        ],
      },
    ],
    finish: 'echo',
    expect: echoes([
      binary(new Uint8Array([...pattern(100, 1), ...pattern(200, 2), ...pattern(300, 3)])),
    ]),
  },
  {
    id: 'fragmentation.text-1-byte-fragments',
    group: 'fragmentation',
    title: 'text of 100 bytes in 100 one-byte fragments',
    steps: [
      {
        frames: Array.from({ length: 100 }, (_, i) => ({
          opcode: i === 0 ? OP.text : C,
          fin: i === 99,
          payload: asciiText(100).slice(i, i + 1),
        })),
      },
    ],
    finish: 'echo',
    expect: echoes([text(asciiText(100))]),
  },
  {
    id: 'fragmentation.empty-fragments',
    group: 'fragmentation',
    title: 'text: empty first fragment, empty middle fragments, payload in the last',
    steps: [
      {
        frames: [
          { opcode: OP.text, fin: false },
          { opcode: C, fin: false },
          { opcode: C, fin: false },
          { opcode: C, payload: 'end' },
        ],
      },
    ],
    finish: 'echo',
    expect: echoes([text('end')]),
  },
  {
    id: 'fragmentation.all-empty',
    group: 'fragmentation',
    title: 'binary made of three empty fragments',
    steps: [
      { frames: [{ opcode: OP.binary, fin: false }, { opcode: C, fin: false }, { opcode: C }] },
    ],
    finish: 'echo',
    expect: echoes([binary(new Uint8Array(0))]),
  },
  {
    id: 'fragmentation.ping-between',
    group: 'fragmentation',
    title: 'ping between the fragments of a text message (§5.4: control frames MAY be injected)',
    steps: [
      {
        frames: [
          { opcode: OP.text, fin: false, payload: 'frag' },
          { opcode: OP.ping, payload: 'inside' },
          { opcode: C, payload: 'ment' },
        ],
      },
    ],
    finish: 'echo',
    expect: echoes([text('fragment')], { pongs: ['inside'] }),
  },
  {
    id: 'fragmentation.ping-between-bytewise',
    group: 'fragmentation',
    title: 'fragment, ping, fragment, all written one byte per TCP write',
    steps: [
      {
        frames: [
          { opcode: OP.text, fin: false, payload: 'frag' },
          { opcode: OP.ping, payload: 'inside' },
          { opcode: C, payload: 'ment' },
        ],
        chunking: 'bytes',
      },
    ],
    finish: 'echo',
    expect: echoes([text('fragment')], { pongs: ['inside'] }),
  },
  {
    id: 'fragmentation.pong-between',
    group: 'fragmentation',
    title: 'unsolicited pong between fragments is ignored',
    steps: [
      {
        frames: [
          { opcode: OP.binary, fin: false, payload: pattern(10) },
          { opcode: OP.pong, payload: 'ignored' },
          { opcode: C, payload: pattern(10, 9) },
        ],
      },
    ],
    finish: 'echo',
    expect: echoes([binary(new Uint8Array([...pattern(10), ...pattern(10, 9)]))]),
  },
  {
    id: 'fragmentation.pings-between-every-fragment',
    group: 'fragmentation',
    title: 'text in 10 fragments with a ping after each, written 2 ms apart',
    steps: Array.from({ length: 10 }, (_, i) => [
      {
        frames: [
          { opcode: i === 0 ? OP.text : C, fin: i === 9, payload: `part${i};` },
          ...(i < 9 ? [{ opcode: OP.ping, payload: `p${i}` }] : []),
        ],
      },
      { pause: 2 },
    ]).flat(),
    finish: 'echo',
    expect: echoes([text(Array.from({ length: 10 }, (_, i) => `part${i};`).join(''))], {
      pongs: Array.from({ length: 9 }, (_, i) => `p${i}`),
    }),
  },
  {
    id: 'fragmentation.two-messages',
    group: 'fragmentation',
    title: 'a fragmented text, then an unfragmented binary, then a fragmented binary',
    steps: [
      {
        frames: [
          { opcode: OP.text, fin: false, payload: 'one-' },
          { opcode: C, payload: 'two' },
          { opcode: OP.binary, payload: pattern(5) },
          { opcode: OP.binary, fin: false, payload: pattern(3) },
          { opcode: C, payload: pattern(4) },
        ],
      },
    ],
    finish: 'echo',
    expect: echoes([
      text('one-two'),
      binary(pattern(5)),
      binary(new Uint8Array([...pattern(3), ...pattern(4)])),
    ]),
  },
  {
    id: 'fragmentation.thousand-fragments',
    group: 'fragmentation',
    title: 'binary of 10 000 bytes in 1000 fragments',
    steps: [
      {
        frames: Array.from({ length: 1000 }, (_, i) => ({
          opcode: i === 0 ? OP.binary : C,
          fin: i === 999,
          payload: pattern(10_000).subarray(i * 10, i * 10 + 10),
        })),
      },
    ],
    finish: 'echo',
    expect: echoes([binary(pattern(10_000))]),
  },
  {
    id: 'fragmentation.continuation-without-start',
    group: 'fragmentation',
    title: 'continuation frame (FIN set) with no message to continue',
    steps: [{ frames: [{ opcode: C, payload: 'orphan' }] }],
    finish: 'fail',
    expect: fails(1002),
  },
  {
    id: 'fragmentation.continuation-without-start-nofin',
    group: 'fragmentation',
    title: 'continuation frame (FIN clear) with no message to continue, then a ping',
    steps: [{ frames: [{ opcode: C, fin: false, payload: 'orphan' }, { opcode: OP.ping }] }],
    finish: 'fail',
    expect: fails(1002),
  },
  {
    id: 'fragmentation.continuation-after-complete',
    group: 'fragmentation',
    title: 'a complete text, then a continuation frame',
    steps: [
      {
        frames: [
          { opcode: OP.text, payload: 'done' },
          { opcode: C, payload: 'more' },
        ],
      },
    ],
    finish: 'fail',
    expect: fails(1002, { before: [text('done')] }),
  },
  {
    id: 'fragmentation.text-inside-text',
    group: 'fragmentation',
    title: 'text start, then a new text frame instead of a continuation',
    steps: [
      {
        frames: [
          { opcode: OP.text, fin: false, payload: 'start' },
          { opcode: OP.text, payload: 'intruder' },
        ],
      },
    ],
    finish: 'fail',
    expect: fails(1002),
  },
  {
    id: 'fragmentation.binary-inside-text',
    group: 'fragmentation',
    title: 'text start, then a binary frame',
    steps: [
      {
        frames: [
          { opcode: OP.text, fin: false, payload: 'start' },
          { opcode: OP.binary, fin: false, payload: pattern(4) },
          { opcode: C, payload: 'end' },
        ],
      },
    ],
    finish: 'fail',
    expect: fails(1002),
  },
  {
    id: 'fragmentation.ping-fragmented',
    group: 'fragmentation',
    title: 'ping with FIN clear plus a continuation (control frames MUST NOT be fragmented)',
    steps: [
      {
        frames: [
          { opcode: OP.ping, fin: false, payload: 'frag' },
          { opcode: C, payload: 'ment' },
        ],
      },
    ],
    finish: 'fail',
    expect: fails(1002),
  },
  {
    id: 'fragmentation.close-fragmented',
    group: 'fragmentation',
    title: 'close with FIN clear plus a continuation',
    steps: [
      {
        frames: [
          { opcode: OP.close, fin: false, payload: closePayload(1000) },
          { opcode: C, payload: 'x' },
        ],
      },
    ],
    finish: 'fail',
    expect: fails(1002),
  },
  {
    id: 'fragmentation.ping-fragmented-inside-message',
    group: 'fragmentation',
    title: 'fragmented ping inside a fragmented text message',
    steps: [
      {
        frames: [
          { opcode: OP.text, fin: false, payload: 'frag' },
          { opcode: OP.ping, fin: false, payload: 'p1' },
          { opcode: C, payload: 'ment' },
        ],
      },
    ],
    finish: 'fail',
    expect: fails(1002),
  },
];

export default cases;
