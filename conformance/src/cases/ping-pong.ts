/** Ping and pong (§5.5.2, §5.5.3). */
import { OP, pattern } from '../driver/frames.js';
import { echoes, fails, text } from './expect.js';
import type { Case } from './types.js';

const cases: Case[] = [
  {
    id: 'ping-pong.ping-empty',
    group: 'ping-pong',
    title: 'ping without payload is answered by a pong without payload',
    steps: [{ frames: [{ opcode: OP.ping }] }],
    finish: 'echo',
    expect: echoes([], { pongs: [''] }),
  },
  {
    id: 'ping-pong.ping-text-payload',
    group: 'ping-pong',
    title: 'ping with a short text payload; the pong carries the same bytes',
    steps: [{ frames: [{ opcode: OP.ping, payload: 'Hello, world!' }] }],
    finish: 'echo',
    expect: echoes([], { pongs: ['Hello, world!'] }),
  },
  {
    id: 'ping-pong.ping-binary-payload',
    group: 'ping-pong',
    title: 'ping with binary payload (all byte values 0x00, 0xff, …)',
    steps: [
      {
        frames: [
          { opcode: OP.ping, payload: new Uint8Array([0, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0, 0xff]) },
        ],
      },
    ],
    finish: 'echo',
    expect: echoes([], { pongs: [new Uint8Array([0, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0, 0xff])] }),
  },
  {
    id: 'ping-pong.ping-125',
    group: 'ping-pong',
    title: 'ping with 125 bytes, the largest control payload',
    steps: [{ frames: [{ opcode: OP.ping, payload: pattern(125) }] }],
    finish: 'echo',
    expect: echoes([], { pongs: [pattern(125)] }),
  },
  {
    id: 'ping-pong.ping-126',
    group: 'ping-pong',
    title: 'ping with 126 bytes (control frames are limited to 125, §5.5)',
    steps: [{ frames: [{ opcode: OP.ping, payload: pattern(126) }] }],
    finish: 'fail',
    expect: fails(1002),
  },
  {
    id: 'ping-pong.ping-125-bytewise',
    group: 'ping-pong',
    title: 'ping with 125 bytes written one byte per TCP write',
    steps: [{ frames: [{ opcode: OP.ping, payload: pattern(125) }], chunking: 'bytes' }],
    finish: 'echo',
    expect: echoes([], { pongs: [pattern(125)] }),
  },
  {
    id: 'ping-pong.pong-unsolicited-empty',
    group: 'ping-pong',
    title: 'unsolicited pong without payload is ignored (§5.5.3)',
    steps: [{ frames: [{ opcode: OP.pong }] }],
    finish: 'echo',
    expect: echoes([]),
  },
  {
    id: 'ping-pong.pong-unsolicited-payload',
    group: 'ping-pong',
    title: 'unsolicited pong with payload is ignored',
    steps: [{ frames: [{ opcode: OP.pong, payload: 'unsolicited' }] }],
    finish: 'echo',
    expect: echoes([]),
  },
  {
    id: 'ping-pong.pong-then-ping',
    group: 'ping-pong',
    title: 'unsolicited pong, then a ping: only the ping is answered',
    steps: [
      {
        frames: [
          { opcode: OP.pong, payload: 'unsolicited' },
          { opcode: OP.ping, payload: 'solicited' },
        ],
      },
    ],
    finish: 'echo',
    expect: echoes([], { pongs: ['solicited'] }),
  },
  {
    id: 'ping-pong.ten-pings-one-write',
    group: 'ping-pong',
    title: '10 pings in one TCP write (answering only the last is allowed, §5.5.3 MAY)',
    steps: [
      { frames: Array.from({ length: 10 }, (_, i) => ({ opcode: OP.ping, payload: `ping ${i}` })) },
    ],
    finish: 'echo',
    expect: echoes([], {
      pongs: Array.from({ length: 10 }, (_, i) => `ping ${i}`),
      coalescedPongsOk: true,
    }),
  },
  {
    id: 'ping-pong.ten-pings-spaced',
    group: 'ping-pong',
    title: '10 pings, each in its own write 5 ms apart',
    steps: Array.from({ length: 10 }, (_, i) => [
      { frames: [{ opcode: OP.ping, payload: `ping ${i}` }] },
      { pause: 5 },
    ]).flat(),
    finish: 'echo',
    expect: echoes([], {
      pongs: Array.from({ length: 10 }, (_, i) => `ping ${i}`),
      coalescedPongsOk: true,
    }),
  },
  {
    id: 'ping-pong.thousand-pings',
    group: 'ping-pong',
    title: '1000 pings with 8-byte payloads in 10 writes',
    steps: Array.from({ length: 10 }, (_, w) => ({
      frames: Array.from({ length: 100 }, (_, i) => ({
        opcode: OP.ping,
        payload: `p${String(w * 100 + i).padStart(7, '0')}`,
      })),
    })),
    finish: 'echo',
    expect: echoes([], {
      pongs: Array.from({ length: 1000 }, (_, i) => `p${String(i).padStart(7, '0')}`),
      coalescedPongsOk: true,
    }),
    guardMs: 10_000,
  },
  {
    id: 'ping-pong.ping-between-messages',
    group: 'ping-pong',
    title: 'text, ping, text: pong and echoes come back in order',
    steps: [
      {
        frames: [
          { opcode: OP.text, payload: 'before' },
          { opcode: OP.ping, payload: 'middle' },
          { opcode: OP.text, payload: 'after' },
        ],
      },
    ],
    finish: 'echo',
    expect: echoes([text('before'), text('after')], { pongs: ['middle'] }),
  },
  {
    id: 'ping-pong.pong-fragmented',
    group: 'ping-pong',
    title: 'pong with FIN clear (control frames MUST NOT be fragmented, §5.5)',
    steps: [
      {
        frames: [
          { opcode: OP.pong, fin: false, payload: 'frag' },
          { opcode: OP.continuation, payload: 'ment' },
        ],
      },
    ],
    finish: 'fail',
    expect: fails(1002),
  },
  {
    id: 'ping-pong.pong-126',
    group: 'ping-pong',
    title: 'pong with 126 bytes',
    steps: [{ frames: [{ opcode: OP.pong, payload: pattern(126) }] }],
    finish: 'fail',
    expect: fails(1002),
  },
];

export default cases;
