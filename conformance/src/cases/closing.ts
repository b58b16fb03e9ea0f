/** The closing handshake (§5.5.1, §7): codes, reasons, and what may follow a Close. */
import { asciiText, closePayload, concat, OP } from '../driver/frames.js';
import { closeAnswered, failed, fails, text } from './expect.js';
import type { Case, Judgement, Seen } from './types.js';

/** §7.4.1 and the IANA registry: codes a peer may legitimately receive. */
const VALID_CODES = [
  1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999,
];
/** Codes that MUST NOT appear in a Close frame, or are not assigned (§7.4.1, §7.4.2). */
const INVALID_CODES = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];

/** The answer to our Close, and nothing else: no pongs and no echoes after it. */
function answeredOnly(codes: readonly number[], before: Parameters<typeof closeAnswered>[1] = []) {
  return (seen: Seen): Judgement => {
    if (seen.pongs.length > 0)
      return failed(`answered a ping sent after our Close (${seen.pongs.length} pong(s))`);
    return closeAnswered(codes, before)(seen);
  };
}

const cases: Case[] = [
  {
    id: 'closing.empty',
    group: 'closing',
    title: 'Close without payload (no status code): answered with a Close',
    steps: [{ frames: [{ opcode: OP.close }] }],
    finish: 'closed',
    expect: closeAnswered([1005, 1000]),
  },
  {
    id: 'closing.one-byte-payload',
    group: 'closing',
    title: 'Close with a 1-byte payload (a code needs 2, §5.5.1)',
    steps: [{ frames: [{ opcode: OP.close, payload: new Uint8Array([0x03]) }] }],
    finish: 'fail',
    expect: fails(1002),
  },
];

for (const code of VALID_CODES) {
  cases.push({
    id: `closing.code-${code}`,
    group: 'closing',
    title: `Close with valid code ${code}: echoed (or 1000)`,
    steps: [{ frames: [{ opcode: OP.close, payload: closePayload(code) }] }],
    finish: 'closed',
    expect: closeAnswered([code, 1000]),
  });
}

for (const code of INVALID_CODES) {
  cases.push({
    id: `closing.invalid-code-${code}`,
    group: 'closing',
    title: `Close with code ${code}, which may not be sent`,
    steps: [{ frames: [{ opcode: OP.close, payload: closePayload(code) }] }],
    finish: 'fail',
    expect: fails(1002),
  });
}

for (const length of [1, 60, 123]) {
  cases.push({
    id: `closing.reason-${length}`,
    group: 'closing',
    title: `Close 1000 with a ${length}-byte reason${length === 123 ? ' (125-byte payload, the maximum)' : ''}`,
    steps: [{ frames: [{ opcode: OP.close, payload: closePayload(1000, asciiText(length)) }] }],
    finish: 'closed',
    expect: closeAnswered([1000]),
  });
}

cases.push(
  {
    id: 'closing.reason-124',
    group: 'closing',
    title: 'Close 1000 with a 124-byte reason (126-byte control payload)',
    steps: [{ frames: [{ opcode: OP.close, payload: closePayload(1000, asciiText(124)) }] }],
    finish: 'fail',
    expect: fails(1002),
  },
  {
    id: 'closing.reason-utf8-4-byte',
    group: 'closing',
    title: 'Close 4000 with a reason of 4-byte characters',
    steps: [{ frames: [{ opcode: OP.close, payload: closePayload(4000, 'bye 😀𝄞') }] }],
    finish: 'closed',
    expect: closeAnswered([4000, 1000]),
  },
  {
    id: 'closing.reason-invalid-utf8',
    group: 'closing',
    title: 'Close 1000 whose reason is not UTF-8 (ED A0 80)',
    steps: [
      {
        frames: [
          {
            opcode: OP.close,
            payload: concat([closePayload(1000, 'bad'), new Uint8Array([0xed, 0xa0, 0x80])]),
          },
        ],
      },
    ],
    finish: 'fail',
    expect: fails(1007),
  },
  {
    id: 'closing.reason-truncated-utf8',
    group: 'closing',
    title: 'Close 1000 whose reason ends inside a character (F0 9F 98)',
    steps: [
      {
        frames: [
          {
            opcode: OP.close,
            payload: concat([closePayload(1000, 'x'), new Uint8Array([0xf0, 0x9f, 0x98])]),
          },
        ],
      },
    ],
    finish: 'fail',
    expect: fails(1007),
  },
  {
    id: 'closing.while-fragmented',
    group: 'closing',
    title: 'text start (FIN clear), then Close 1000: the partial message is dropped',
    steps: [
      {
        frames: [
          { opcode: OP.text, fin: false, payload: 'never finished' },
          { opcode: OP.close, payload: closePayload(1000) },
        ],
      },
    ],
    finish: 'closed',
    expect: closeAnswered([1000]),
  },
  {
    id: 'closing.text-after-close',
    group: 'closing',
    title: 'Close 1000 then a text frame in the same write: the text is ignored',
    steps: [
      {
        frames: [
          { opcode: OP.close, payload: closePayload(1000) },
          { opcode: OP.text, payload: 'after close' },
        ],
      },
    ],
    finish: 'closed',
    expect: answeredOnly([1000]),
  },
  {
    id: 'closing.ping-after-close',
    group: 'closing',
    title: 'Close 1000 then a ping: no pong after the Close',
    steps: [
      {
        frames: [
          { opcode: OP.close, payload: closePayload(1000) },
          { opcode: OP.ping, payload: 'late' },
        ],
      },
    ],
    finish: 'closed',
    expect: answeredOnly([1000]),
  },
  {
    id: 'closing.garbage-after-close',
    group: 'closing',
    title: 'Close 1000 then bytes that are no valid frame',
    steps: [
      { frames: [{ opcode: OP.close, payload: closePayload(1000) }] },
      { raw: new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x00, 0x01]) },
    ],
    finish: 'closed',
    expect: answeredOnly([1000]),
  },
  {
    id: 'closing.message-then-close',
    group: 'closing',
    title: 'text then Close 1000 in one write: the text is echoed before the Close',
    steps: [
      {
        frames: [
          { opcode: OP.text, payload: 'last words' },
          { opcode: OP.close, payload: closePayload(1000) },
        ],
      },
    ],
    finish: 'closed',
    expect: closeAnswered([1000], [text('last words')]),
  },
  {
    id: 'closing.close-bytewise',
    group: 'closing',
    title: 'Close 1001 with a reason, written one byte per TCP write',
    steps: [
      {
        frames: [{ opcode: OP.close, payload: closePayload(1001, 'going away') }],
        chunking: 'bytes',
      },
    ],
    finish: 'closed',
    expect: closeAnswered([1001, 1000]),
  },
  {
    id: 'closing.two-closes',
    group: 'closing',
    title: 'two Close frames in a row: one answer, the second is ignored',
    steps: [
      {
        frames: [
          { opcode: OP.close, payload: closePayload(1000) },
          { opcode: OP.close, payload: closePayload(1001) },
        ],
      },
    ],
    finish: 'closed',
    expect: closeAnswered([1000]),
  },
);

export default cases;
