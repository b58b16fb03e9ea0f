/**
 * permessage-deflate protocol errors: RSV1 where RFC 7692 §6.1 forbids it or nothing was
 * negotiated, a message that inflates past the limit, data that does not inflate, invalid UTF-8
 * that only shows once inflated. Server side, against the target's server with compression on.
 */
import { OP } from '../driver/frames.js';
import { DEFLATE_MAX_MESSAGE } from '../targets/types.js';
import { BROWSER_OFFER } from './deflate.js';
import { jsonText } from './deflate-data.js';
import { afterUpgrade, fails, text } from './expect.js';
import type { Case, Step } from './types.js';

const HELLO = new Uint8Array([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]);
/** "κόσμε" then an encoded surrogate (ED A0 80), then "edited": invalid once inflated. */
const INVALID_UTF8 = new Uint8Array([
  0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xed, 0xa0, 0x80, 0x65, 0x64,
  0x69, 0x74, 0x65, 0x64,
]);
/** BTYPE 11 (reserved, RFC 1951 §3.2.3): no inflater accepts it. */
const GARBAGE = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);

function errorCase(
  name: string,
  title: string,
  steps: Step[],
  expect: Case['expect'],
  offer: string | null = BROWSER_OFFER,
): Case {
  return {
    id: `deflate-errors.${name}`,
    group: 'deflate-errors',
    title,
    modes: ['server'],
    deflate: { offer },
    steps,
    finish: 'fail',
    expect,
  };
}

const LOST = 'the echo of the good message was still being compressed when the connection failed';

const bomb = new Uint8Array(2 * DEFLATE_MAX_MESSAGE);

const cases: Case[] = [
  ...(
    [
      ['ping', OP.ping, 'ping'],
      ['pong', OP.pong, 'pong'],
      ['close', OP.close, new Uint8Array([0x03, 0xe8])],
    ] as const
  ).map(([name, opcode, payload]) =>
    errorCase(
      `rsv1-${name}`,
      `${name} frame with RSV1 set on a compressed connection (RFC 7692 §6.1)`,
      [{ frames: [{ opcode, payload, rsv: 4 }] }],
      fails(1002),
    ),
  ),
  errorCase(
    'rsv1-continuation',
    'compressed "Hello" in two frames, RSV1 on both (RFC 7692 §6.1)',
    [
      {
        frames: [
          { opcode: OP.text, rsv: 4, fin: false, payload: HELLO.subarray(0, 3) },
          { opcode: OP.continuation, rsv: 4, payload: HELLO.subarray(3) },
        ],
      },
    ],
    fails(1002),
  ),
  errorCase(
    'rsv1-continuation-only',
    'uncompressed text in two frames, RSV1 only on the continuation (RFC 7692 §6.1)',
    [
      {
        frames: [
          { opcode: OP.text, fin: false, payload: 'Hel' },
          { opcode: OP.continuation, rsv: 4, payload: 'lo' },
        ],
      },
    ],
    fails(1002),
  ),
  errorCase(
    'rsv2-with-deflate',
    'compressed text with RSV2 set as well: permessage-deflate defines only RSV1',
    [{ frames: [{ opcode: OP.text, rsv: 6, payload: HELLO }] }],
    fails(1002),
  ),
  errorCase(
    'rsv1-not-offered',
    'compressed "Hello" (RSV1) on a connection where no extension was offered (§5.2)',
    [{ frames: [{ opcode: OP.text, rsv: 4, payload: HELLO }] }],
    fails(1002),
    null,
  ),
  errorCase(
    'rsv1-offer-declined',
    'compressed "Hello" after an invalid offer (server_max_window_bits=7) the server must decline',
    [{ frames: [{ opcode: OP.text, rsv: 4, payload: HELLO }] }],
    afterUpgrade((seen) =>
      seen.agreed ? { verdict: 'FAILED', note: 'accepted an invalid offer' } : fails(1002)(seen),
    ),
    'permessage-deflate; server_max_window_bits=7',
  ),
  errorCase(
    'too-large',
    `a compressed binary of ${(2 * DEFLATE_MAX_MESSAGE) >> 20} MiB of zeros (about 2 KiB on the wire), limit ${DEFLATE_MAX_MESSAGE >> 20} MiB`,
    [{ deflate: [{ type: 'binary', data: bomb }] }],
    fails(1009),
  ),
  errorCase(
    'too-large-fragmented',
    'the same bomb as a text in 64-byte frames',
    [{ deflate: [{ type: 'text', data: bomb, frameSize: 64 }] }],
    fails(1009),
  ),
  errorCase(
    'too-large-after-good',
    'a good compressed text, then the bomb: the first is echoed, then 1009',
    [
      {
        deflate: [
          { type: 'text', data: jsonText(3000) },
          { type: 'binary', data: bomb },
        ],
      },
    ],
    fails(1009, { before: [text(jsonText(3000))], lostRepliesNote: LOST }),
  ),
  // RFC 7692 names no close code for data that does not inflate; 1007 ("data within a message
  // that was not consistent with the type of the message", RFC 6455 §7.4.1) is what ws and
  // Autobahn use, so it is the strict answer here and 1002 is NON-STRICT.
  errorCase(
    'garbage',
    'RSV1 text whose payload is not DEFLATE data (reserved block type)',
    [{ frames: [{ opcode: OP.text, rsv: 4, payload: GARBAGE }] }],
    fails(1007),
  ),
  errorCase(
    'garbage-binary-fragmented',
    'RSV1 binary whose payload is not DEFLATE data, in three frames',
    [
      {
        frames: [
          { opcode: OP.binary, rsv: 4, fin: false, payload: GARBAGE.subarray(0, 2) },
          { opcode: OP.continuation, fin: false, payload: GARBAGE.subarray(2, 4) },
          { opcode: OP.continuation, payload: GARBAGE.subarray(4) },
        ],
      },
    ],
    fails(1007),
  ),
  errorCase(
    'garbage-after-good',
    'a good compressed text, then garbage: the first is echoed, then 1007',
    [
      { frames: [{ opcode: OP.text, rsv: 4, payload: HELLO }] },
      { frames: [{ opcode: OP.text, rsv: 4, payload: GARBAGE }] },
    ],
    fails(1007, { before: [text('Hello')], lostRepliesNote: LOST }),
  ),
  errorCase(
    'invalid-utf8',
    'compressed text that inflates to invalid UTF-8 (an encoded surrogate)',
    [{ deflate: [{ type: 'text', data: INVALID_UTF8 }] }],
    fails(1007),
  ),
  errorCase(
    'invalid-utf8-fragmented',
    'the same, its compressed payload in 3-byte frames',
    [{ deflate: [{ type: 'text', data: INVALID_UTF8, frameSize: 3 }] }],
    fails(1007),
  ),
];

export default cases;
