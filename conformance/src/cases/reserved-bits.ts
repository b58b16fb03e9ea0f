/** RSV1-3 (§5.2): MUST be 0 unless an extension defines them; none is negotiated here. */
import { OP, pattern } from '../driver/frames.js';
import { fails, text } from './expect.js';
import type { Case } from './types.js';

const cases: Case[] = [];

for (let rsv = 1; rsv <= 7; rsv++) {
  cases.push({
    id: `reserved-bits.text-rsv${rsv}`,
    group: 'reserved-bits',
    title: `text frame with RSV bits ${rsv.toString(2).padStart(3, '0')}`,
    steps: [{ frames: [{ opcode: OP.text, payload: 'Hello', rsv }] }],
    finish: 'fail',
    expect: fails(1002),
  });
}

const others: [string, number, string | Uint8Array][] = [
  ['binary', OP.binary, pattern(40)],
  ['ping', OP.ping, 'ping'],
  ['pong', OP.pong, 'pong'],
  ['close', OP.close, new Uint8Array([0x03, 0xe8])],
];
for (const [name, opcode, payload] of others) {
  cases.push({
    id: `reserved-bits.${name}-rsv1`,
    group: 'reserved-bits',
    title: `${name} frame with RSV1 set`,
    steps: [{ frames: [{ opcode, payload, rsv: 4 }] }],
    finish: 'fail',
    expect: fails(1002),
  });
}

cases.push(
  {
    id: 'reserved-bits.continuation-rsv2',
    group: 'reserved-bits',
    title: 'fragmented text whose continuation frame has RSV2 set',
    steps: [
      {
        frames: [
          { opcode: OP.text, fin: false, payload: 'frag' },
          { opcode: OP.continuation, payload: 'ment', rsv: 2 },
        ],
      },
    ],
    finish: 'fail',
    expect: fails(1002),
  },
  {
    id: 'reserved-bits.after-good-message',
    group: 'reserved-bits',
    title:
      'good text, then text with RSV2, then a ping: the first is echoed, then the connection fails',
    steps: [
      {
        frames: [
          { opcode: OP.text, payload: 'good' },
          { opcode: OP.text, payload: 'bad', rsv: 2 },
          { opcode: OP.ping, payload: 'never answered' },
        ],
      },
    ],
    finish: 'fail',
    expect: fails(1002, { before: [text('good')] }),
  },
  {
    id: 'reserved-bits.bytewise',
    group: 'reserved-bits',
    title: 'text with RSV3, written one byte per TCP write',
    steps: [{ frames: [{ opcode: OP.text, payload: 'Hello', rsv: 1 }], chunking: 'bytes' }],
    finish: 'fail',
    expect: fails(1002),
  },
);

export default cases;
