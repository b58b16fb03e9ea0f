/**
 * permessage-deflate (RFC 7692) echo cases, the equivalent of Autobahn's 12.x: compressed text
 * and binary of 16 B to 256 KiB, several per connection (so the shared window is used), whole
 * and cut into frames of various sizes, many small messages, compressed and uncompressed mixed,
 * the RFC's own §7.2.3 examples and the ways a message may end (§7.2.1, §7.2.3.4, §7.2.3.6).
 * Server side, against the target's server with compression on.
 */
import { OP } from '../driver/frames.js';
import { jsonText, noise, sizeName } from './deflate-data.js';
import { binary, deflateEchoes, type ExpectedMessage, text } from './expect.js';
import type { Case, DeflateMessage } from './types.js';

/** What Chromium and Firefox offer. */
export const BROWSER_OFFER = 'permessage-deflate; client_max_window_bits';

const SIZES = [16, 64, 256, 1024, 4096, 16384, 65536, 262144];
/** Fewer messages for the large sizes: the point is the shared window, not the volume. */
const countFor = (size: number) => (size >= 65536 ? 3 : 8);

const cases: Case[] = [];

function expectedOf(messages: readonly DeflateMessage[]): ExpectedMessage[] {
  return messages.map((m) => (m.type === 'text' ? text(m.data) : binary(m.data)));
}

function echoCase(name: string, title: string, messages: DeflateMessage[], guardMs?: number): Case {
  return {
    id: `deflate.${name}`,
    group: 'deflate',
    title,
    modes: ['server'],
    deflate: { offer: BROWSER_OFFER },
    steps: [{ deflate: messages }],
    finish: 'echo',
    replies: messages.length,
    expect: deflateEchoes(expectedOf(messages)),
    ...(guardMs ? { guardMs } : {}),
  };
}

for (const size of SIZES) {
  const n = countFor(size);
  cases.push(
    echoCase(
      `text-${sizeName(size)}`,
      `${n} compressed JSON texts of ${size} B in one write`,
      Array.from({ length: n }, (_, i) => ({ type: 'text', data: jsonText(size, i * 13) })),
    ),
    echoCase(
      `binary-${sizeName(size)}`,
      `${n} compressed random binaries of ${size} B in one write`,
      Array.from({ length: n }, (_, i) => ({ type: 'binary', data: noise(size, i + 1) })),
    ),
  );
}

/** [message size, frame size]: the compressed payload cut into frames of that many bytes. */
const FRAGMENTED: [number, number][] = [
  [1024, 1],
  [4096, 64],
  [16384, 256],
  [65536, 1024],
  [262144, 4096],
  [262144, 65536],
];
for (const [size, frameSize] of FRAGMENTED) {
  cases.push(
    echoCase(
      `text-${sizeName(size)}-frames-${sizeName(frameSize)}`,
      `2 compressed JSON texts of ${size} B, each cut into frames of ${frameSize} B`,
      [0, 1].map((i) => ({ type: 'text', data: jsonText(size, i * 31), frameSize })),
    ),
    echoCase(
      `binary-${sizeName(size)}-frames-${sizeName(frameSize)}`,
      `2 compressed random binaries of ${size} B, each cut into frames of ${frameSize} B`,
      [0, 1].map((i) => ({ type: 'binary', data: noise(size, i + 7), frameSize })),
    ),
  );
}

cases.push(
  echoCase(
    'many-small',
    '1000 compressed texts of 40–140 B in one write (one shared window throughout)',
    Array.from({ length: 1000 }, (_, i) => ({ type: 'text', data: jsonText(40 + (i % 101), i) })),
  ),
  echoCase(
    'mixed-compressed-and-not',
    'compressed and uncompressed messages alternating (RFC 7692 §6: RSV1 per message)',
    Array.from({ length: 12 }, (_, i) => ({
      type: i % 3 === 0 ? 'binary' : 'text',
      data: i % 3 === 0 ? noise(300 + i, i) : jsonText(500 + i * 40, i),
      compress: i % 2 === 0,
    })),
  ),
  echoCase('empty', 'empty text and binary, compressed (one 0x00 byte each, RFC 7692 §7.2.3.6)', [
    { type: 'text', data: '' },
    { type: 'binary', data: new Uint8Array(0) },
    { type: 'text', data: 'after the empty ones' },
  ]),
  echoCase(
    'empty-block-end',
    'messages that end with an empty stored block of their own (00 00 ff ff 00 on the wire, §7.2.1)',
    [0, 1, 2].map((i) => ({ type: 'text', data: jsonText(2000, i), ending: 'empty-block' })),
  ),
  echoCase(
    'bfinal',
    'messages each ending their DEFLATE stream (BFINAL set, §7.2.3.4), then one that does not',
    [
      { type: 'text', data: jsonText(3000, 1), ending: 'bfinal' },
      { type: 'text', data: jsonText(3000, 1), ending: 'bfinal' },
      { type: 'binary', data: noise(2000, 4), ending: 'bfinal' },
      { type: 'text', data: jsonText(3000, 2) },
      { type: 'text', data: jsonText(3000, 2) },
    ],
  ),
  {
    ...echoCase(
      'ping-between-fragments',
      'a ping between the frames of a compressed message, answered before the message completes',
      [],
    ),
    steps: [
      {
        frames: [
          { opcode: OP.text, rsv: 4, fin: false, payload: new Uint8Array([0xf2, 0x48, 0xcd]) },
          { opcode: OP.ping, payload: 'between' },
          { opcode: OP.continuation, payload: new Uint8Array([0xc9, 0xc9, 0x07, 0x00]) },
        ],
      },
    ],
    replies: 1,
    expect: deflateEchoes([text('Hello')], { pongs: ['between'] }),
  },
);

/** RFC 7692 §7.2.3: each example's bytes, sent exactly, must come back as "Hello". */
const HELLO = [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
const RFC_EXAMPLES: [
  string,
  string,
  { payload: number[]; fin?: boolean; op?: number }[],
  string[],
][] = [
  ['rfc-hello', '"Hello" compressed (§7.2.3.1)', [{ payload: HELLO }], ['Hello']],
  [
    'rfc-hello-fragmented',
    '"Hello" compressed, in two frames (§7.2.3.1)',
    [
      { payload: [0xf2, 0x48, 0xcd], fin: false },
      { payload: [0xc9, 0xc9, 0x07, 0x00], op: OP.continuation },
    ],
    ['Hello'],
  ],
  [
    'rfc-shared-window',
    'two "Hello"s, the second one only a back-reference into the first (§7.2.3.2)',
    [{ payload: HELLO }, { payload: [0xf2, 0x00, 0x11, 0x00, 0x00] }],
    ['Hello', 'Hello'],
  ],
  [
    'rfc-stored-block',
    '"Hello" in a DEFLATE stored block (§7.2.3.3)',
    [{ payload: [0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00] }],
    ['Hello'],
  ],
  [
    'rfc-bfinal',
    '"Hello" with BFINAL set (§7.2.3.4), then a second "Hello" in a new stream',
    [{ payload: [0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00] }, { payload: HELLO }],
    ['Hello', 'Hello'],
  ],
  [
    'rfc-two-blocks',
    '"Hello" split over two DEFLATE blocks (§7.2.3.5)',
    [{ payload: [0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00] }],
    ['Hello'],
  ],
];
for (const [name, title, frames, texts] of RFC_EXAMPLES) {
  cases.push({
    id: `deflate.${name}`,
    group: 'deflate',
    title,
    modes: ['server'],
    deflate: { offer: BROWSER_OFFER },
    steps: [
      {
        frames: frames.map((frame) => ({
          opcode: frame.op ?? OP.text,
          rsv: frame.op === OP.continuation ? 0 : 4,
          fin: frame.fin ?? true,
          payload: new Uint8Array(frame.payload),
        })),
      },
    ],
    finish: 'echo',
    replies: texts.length,
    expect: deflateEchoes(texts.map((t) => text(t))),
  });
}

export default cases;
