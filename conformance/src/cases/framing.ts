/** Framing (§5.2): every length form, chunkings, masking direction, length encodings. */
import { asciiText, encodeFrame, OP, pattern } from '../driver/frames.js';
import { binary, echoes, failed, fails, nonStrict, ok, text } from './expect.js';
import type { Case, Judgement, Seen } from './types.js';

const SIZES = [0, 1, 125, 126, 127, 128, 65535, 65536, 65537, 1 << 20];

function sizeName(size: number): string {
  return size === 1 << 20 ? '1MiB' : size === 16 << 20 ? '16MiB' : `${size}`;
}

const cases: Case[] = [];

for (const size of SIZES) {
  cases.push({
    id: `framing.text-${sizeName(size)}`,
    group: 'framing',
    title: `text message of ${size} bytes, one frame`,
    steps: [{ frames: [{ opcode: OP.text, payload: asciiText(size) }] }],
    finish: 'echo',
    expect: echoes([text(asciiText(size))]),
  });
  cases.push({
    id: `framing.binary-${sizeName(size)}`,
    group: 'framing',
    title: `binary message of ${size} bytes, one frame`,
    steps: [{ frames: [{ opcode: OP.binary, payload: pattern(size) }] }],
    finish: 'echo',
    expect: echoes([binary(pattern(size))]),
  });
}

cases.push({
  id: 'framing.binary-16MiB',
  group: 'framing',
  title: 'binary message of 16 MiB, one frame (64-bit length)',
  steps: [{ frames: [{ opcode: OP.binary, payload: pattern(16 << 20) }] }],
  finish: 'echo',
  expect: echoes([binary(pattern(16 << 20))]),
  guardMs: 60_000,
});

for (const size of [0, 1, 125, 126, 127, 65536]) {
  cases.push({
    id: `framing.binary-${size}-bytewise`,
    group: 'framing',
    title: `binary message of ${size} bytes written one byte per TCP write`,
    steps: [
      {
        frames: [{ opcode: OP.binary, payload: pattern(size) }],
        chunking: size > 1000 ? { size: 997 } : 'bytes',
      },
    ],
    finish: 'echo',
    expect: echoes([binary(pattern(size))]),
    guardMs: 10_000,
  });
}

cases.push({
  id: 'framing.many-frames-one-write',
  group: 'framing',
  title: '50 small messages in a single TCP write',
  steps: [
    {
      frames: Array.from({ length: 50 }, (_, i) => ({
        opcode: i % 2 ? OP.binary : OP.text,
        payload: i % 2 ? pattern(i) : asciiText(i),
      })),
    },
  ],
  finish: 'echo',
  expect: echoes(
    Array.from({ length: 50 }, (_, i) => (i % 2 ? binary(pattern(i)) : text(asciiText(i)))),
  ),
});

cases.push({
  id: 'framing.frame-split-in-header',
  group: 'framing',
  title: 'frames split inside the header and the masking key, several frames per write',
  steps: [
    {
      frames: [
        { opcode: OP.text, payload: asciiText(200) },
        { opcode: OP.binary, payload: pattern(70000) },
        { opcode: OP.text, payload: 'tail' },
      ],
      chunking: { splits: [1, 3, 5, 7, 150, 208, 209, 211, 215, 60000, 70216, 70217] },
    },
  ],
  finish: 'echo',
  expect: echoes([text(asciiText(200)), binary(pattern(70000)), text('tail')]),
});

/**
 * §5.2: "the minimal number of bytes MUST be used to encode the length" binds the sender; what a
 * receiver does with a wider form is not said. Refusing it (1002) is the strict reading,
 * accepting it is NON-STRICT.
 */
function strictOrTolerated(message: string) {
  return (seen: Seen): Judgement => {
    const strict = fails(1002)(seen);
    if (strict.verdict !== 'FAILED') return strict;
    const tolerant = echoes([text(message)])(seen);
    if (tolerant.verdict === 'OK') return nonStrict('accepted a non-minimal length encoding');
    return tolerant.verdict === 'FAILED' ? failed(`${strict.note}; ${tolerant.note}`) : tolerant;
  };
}

cases.push({
  id: 'framing.length-16bit-non-minimal',
  group: 'framing',
  title: '5-byte text with a 16-bit length field',
  steps: [{ frames: [{ opcode: OP.text, payload: 'Hello', lengthForm: 16 }] }],
  finish: 'echo',
  expect: strictOrTolerated('Hello'),
});

cases.push({
  id: 'framing.length-64bit-non-minimal',
  group: 'framing',
  title: '5-byte text with a 64-bit length field',
  steps: [{ frames: [{ opcode: OP.text, payload: 'Hello', lengthForm: 64 }] }],
  finish: 'echo',
  expect: strictOrTolerated('Hello'),
});

cases.push({
  id: 'framing.length-64bit-msb-set',
  group: 'framing',
  title: '64-bit length with the most significant bit set (§5.2 MUST be 0)',
  steps: [
    {
      raw: encodeFrame(
        { opcode: OP.binary, claimedLength: 0x8000000000000005n, payload: 'Hello' },
        'client',
      ),
    },
  ],
  modes: ['server'],
  finish: 'fail',
  expect: (seen) => {
    const verdict = fails(1002)(seen);
    return verdict.verdict === 'NON-STRICT' && seen.close?.code === 1009
      ? ok('closed with 1009')
      : verdict;
  },
});

cases.push({
  id: 'framing.length-64bit-msb-set-from-server',
  group: 'framing',
  title: '64-bit length with the most significant bit set (§5.2 MUST be 0)',
  steps: [
    {
      raw: encodeFrame(
        { opcode: OP.binary, claimedLength: 0x8000000000000005n, payload: 'Hello' },
        'server',
      ),
    },
  ],
  modes: ['client'],
  finish: 'fail',
  expect: (seen) => {
    const verdict = fails(1002)(seen);
    return verdict.verdict === 'NON-STRICT' && seen.close?.code === 1009
      ? ok('closed with 1009')
      : verdict;
  },
});

cases.push({
  id: 'framing.mask-violation',
  group: 'framing',
  title: 'text frame masked the wrong way for the sender (client unmasked / server masked, §5.1)',
  steps: [{ frames: [{ opcode: OP.text, payload: 'Hello', mask: 'violate' }] }],
  finish: 'fail',
  expect: fails(1002),
});

cases.push({
  id: 'framing.mask-violation-after-message',
  group: 'framing',
  title: 'a good message, then a frame masked the wrong way',
  steps: [
    { frames: [{ opcode: OP.text, payload: 'first' }] },
    { frames: [{ opcode: OP.binary, payload: pattern(300), mask: 'violate' }] },
  ],
  finish: 'fail',
  expect: fails(1002, { before: [text('first')] }),
});

cases.push(
  {
    id: 'framing.mask-zero-key',
    group: 'framing',
    title: 'client frame masked with the key 00 00 00 00 (valid: the key is any 32-bit value)',
    modes: ['server'],
    steps: [{ frames: [{ opcode: OP.text, payload: 'zero key', mask: new Uint8Array(4) }] }],
    finish: 'echo',
    expect: echoes([text('zero key')]),
  },
  {
    id: 'framing.header-slow',
    group: 'framing',
    title: 'a 300-byte binary whose header arrives in 4 pieces 20 ms apart',
    steps: [
      {
        frames: [{ opcode: OP.binary, payload: pattern(300) }],
        chunking: { splits: [1, 2, 4, 6], delayMs: 20 },
      },
    ],
    finish: 'echo',
    expect: echoes([binary(pattern(300))]),
  },
);

export default cases;
