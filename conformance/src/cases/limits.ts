/** Limits: large messages, many small ones, and lengths no one should try to buffer. */
import { asciiText, encodeFrame, OP, pattern } from '../driver/frames.js';
import { binary, echoes, fails, ok, text } from './expect.js';
import type { Case, Judgement, Seen } from './types.js';

const MiB = 1 << 20;
const big = asciiText(16 * MiB);

const cases: Case[] = [
  {
    id: 'limits.text-16MiB-fragmented',
    group: 'limits',
    title: 'text of 16 MiB in 256 fragments of 64 KiB',
    steps: [
      {
        frames: Array.from({ length: 256 }, (_, i) => ({
          opcode: i === 0 ? OP.text : OP.continuation,
          fin: i === 255,
          payload: big.slice(i * 65536, (i + 1) * 65536),
        })),
      },
    ],
    finish: 'echo',
    expect: echoes([text(big)]),
    guardMs: 60_000,
  },
  {
    id: 'limits.binary-4MiB-slow-chunks',
    group: 'limits',
    title: 'binary of 4 MiB written in 64 KiB pieces',
    steps: [
      { frames: [{ opcode: OP.binary, payload: pattern(4 * MiB) }], chunking: { size: 65536 } },
    ],
    finish: 'echo',
    expect: echoes([binary(pattern(4 * MiB))]),
    guardMs: 30_000,
  },
  {
    id: 'limits.thousand-texts-one-write',
    group: 'limits',
    title: '1000 text messages of 16 bytes in one TCP write',
    steps: [
      {
        frames: Array.from({ length: 1000 }, (_, i) => ({
          opcode: OP.text,
          payload: `message-${String(i).padStart(8, '0')}`,
        })),
      },
    ],
    finish: 'echo',
    expect: echoes(
      Array.from({ length: 1000 }, (_, i) => text(`message-${String(i).padStart(8, '0')}`)),
    ),
    guardMs: 10_000,
  },
  {
    id: 'limits.ten-thousand-binaries',
    group: 'limits',
    title: '10 000 one-byte binary messages in 100 writes',
    steps: Array.from({ length: 100 }, (_, w) => ({
      frames: Array.from({ length: 100 }, (_, i) => ({
        opcode: OP.binary,
        payload: new Uint8Array([(w * 100 + i) & 0xff]),
      })),
    })),
    finish: 'echo',
    expect: echoes(Array.from({ length: 10_000 }, (_, i) => binary(new Uint8Array([i & 0xff])))),
    guardMs: 20_000,
  },
  {
    id: 'limits.thousand-empty',
    group: 'limits',
    title: '1000 empty text messages in one write',
    steps: [{ frames: Array.from({ length: 1000 }, () => ({ opcode: OP.text })) }],
    finish: 'echo',
    expect: echoes(Array.from({ length: 1000 }, () => text(''))),
    guardMs: 10_000,
  },
];

/** Assembling the message is right; refusing it with 1009 is a documented limit, also right. */
function echoesOrTooBig(expected: Parameters<typeof echoes>[0]) {
  return (seen: Seen): Judgement => {
    if (seen.close?.code === 1009 && seen.messages.length === 0) {
      const verdict = fails(1009)(seen);
      return verdict.verdict === 'OK' ? ok('refused with 1009 (a fragment-count limit)') : verdict;
    }
    return echoes(expected)(seen);
  };
}

cases.push({
  id: 'limits.ten-thousand-fragments',
  group: 'limits',
  title: 'binary of 10 000 one-byte fragments (assembled, or refused with 1009 by a limit)',
  steps: [
    {
      frames: Array.from({ length: 10_000 }, (_, i) => ({
        opcode: i === 0 ? OP.binary : OP.continuation,
        fin: i === 9999,
        payload: new Uint8Array([i & 0xff]),
      })),
    },
  ],
  finish: 'echo',
  expect: echoesOrTooBig([binary(Uint8Array.from({ length: 10_000 }, (_, i) => i & 0xff))]),
  guardMs: 10_000,
});

/**
 * A header announcing 1 TiB, with no payload behind it: the peer cannot hold it and MUST NOT
 * try (§10.4); 1009 is the code for it (§7.4.1). Waiting for the bytes is FAILED (a peer could
 * pin memory or time this way).
 */
for (const mode of ['server', 'client'] as const) {
  const sender = mode === 'server' ? 'client' : 'server';
  cases.push({
    id: `limits.claimed-1TiB${mode === 'client' ? '-from-server' : ''}`,
    group: 'limits',
    modes: [mode],
    title: 'binary frame header claiming 1 TiB, payload never sent',
    steps: [{ raw: encodeFrame({ opcode: OP.binary, claimedLength: 1n << 40n }, sender) }],
    finish: 'fail',
    expect: fails(1009),
    guardMs: 3000,
  });
  cases.push({
    id: `limits.claimed-1TiB-continuation${mode === 'client' ? '-from-server' : ''}`,
    group: 'limits',
    modes: [mode],
    title: 'fragmented text whose second fragment claims 1 TiB',
    steps: [
      {
        raw: new Uint8Array([
          ...encodeFrame({ opcode: OP.text, fin: false, payload: 'start' }, sender),
          ...encodeFrame({ opcode: OP.continuation, claimedLength: 1n << 40n }, sender),
        ]),
      },
    ],
    finish: 'fail',
    expect: fails(1009),
    guardMs: 3000,
  });
}

export default cases;
