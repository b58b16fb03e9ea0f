/** Reserved opcodes (§5.2): a frame with an unknown opcode MUST fail the connection. */
import { OP } from '../driver/frames.js';
import { fails, text } from './expect.js';
import type { Case } from './types.js';

const cases: Case[] = [];

for (const opcode of [3, 4, 5, 6, 7, 11, 12, 13, 14, 15]) {
  const kind = opcode < 8 ? 'data' : 'control';
  cases.push({
    id: `opcodes.reserved-${opcode}`,
    group: 'opcodes',
    title: `reserved ${kind} opcode ${opcode} without payload`,
    steps: [{ frames: [{ opcode }] }],
    finish: 'fail',
    expect: fails(1002),
  });
}

for (const opcode of [5, 13]) {
  cases.push({
    id: `opcodes.reserved-${opcode}-after-message`,
    group: 'opcodes',
    title: `good text, then opcode ${opcode} with payload, then a ping`,
    steps: [
      {
        frames: [
          { opcode: OP.text, payload: 'good' },
          { opcode, payload: 'reserved' },
          { opcode: OP.ping, payload: 'never answered' },
        ],
      },
    ],
    finish: 'fail',
    expect: fails(1002, { before: [text('good')] }),
  });
}

cases.push({
  id: 'opcodes.reserved-inside-fragmented',
  group: 'opcodes',
  title: 'reserved opcode 4 between the fragments of a text message',
  steps: [
    {
      frames: [
        { opcode: OP.text, fin: false, payload: 'frag' },
        { opcode: 4, payload: 'x' },
        { opcode: OP.continuation, payload: 'ment' },
      ],
    },
  ],
  finish: 'fail',
  expect: fails(1002),
});

export default cases;
