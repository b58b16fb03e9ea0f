import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstInvalidByte } from '../src/cases/utf8.js';
import { closePayload, concat, encodeFrame, type FrameSpec, OP } from '../src/driver/frames.js';
import { FrameReader, type ReceivedClose, type ReceivedFrame } from '../src/driver/reader.js';

function readAll(bytes: Uint8Array, peer: 'client' | 'server', cuts: readonly number[]) {
  const frames: ReceivedFrame[] = [];
  const closes: ReceivedClose[] = [];
  const violations: string[] = [];
  const reader = new FrameReader(
    peer,
    {
      frame: (frame) => frames.push(frame),
      message: () => {},
      closeFrame: (close) => closes.push(close),
      violation: (what) => violations.push(what),
    },
    () => 0,
  );
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    reader.push(bytes.subarray(from, to));
    from = to;
  }
  return { frames, closes, violations, pending: reader.pendingBytes };
}

const SAMPLE: FrameSpec[] = [
  { opcode: OP.text, fin: false, payload: 'frag' },
  { opcode: OP.ping, payload: 'p' },
  { opcode: OP.continuation, payload: 'ment' },
  { opcode: OP.binary, payload: new Uint8Array(300).fill(7) },
  { opcode: OP.close, payload: closePayload(1000, 'bye') },
];

describe('driver frame writer and reader', () => {
  it('decodes the RFC 6455 §5.7 examples', () => {
    // "Hello", unmasked and masked with 37 fa 21 3d.
    const unmasked = new Uint8Array([0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
    const masked = new Uint8Array([
      0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
    ]);
    expect(encodeFrame({ opcode: OP.text, payload: 'Hello' }, 'server')).toEqual(unmasked);
    expect(
      encodeFrame(
        { opcode: OP.text, payload: 'Hello', mask: new Uint8Array([0x37, 0xfa, 0x21, 0x3d]) },
        'client',
      ),
    ).toEqual(masked);
    const read = readAll(masked, 'client', []);
    expect(new TextDecoder().decode(read.frames[0]!.payload)).toBe('Hello');
    expect(read.violations).toEqual([]);
  });

  it('gives the same frames for every split point of a stream', () => {
    const bytes = concat(SAMPLE.map((spec) => encodeFrame(spec, 'server')));
    const whole = readAll(bytes, 'server', []);
    expect(whole.frames.map((f) => f.opcode)).toEqual([1, 9, 0, 2, 8]);
    expect(whole.closes).toEqual([{ code: 1000, reason: 'bye', payloadLength: 5, at: 0 }]);
    for (let at = 1; at < bytes.length; at++) {
      const split = readAll(bytes, 'server', [at]);
      expect(split.frames).toEqual(whole.frames);
      expect(split.violations).toEqual([]);
      expect(split.pending).toBe(0);
    }
  });

  it('gives the same frames for any chunking (property)', () => {
    const bytes = concat(SAMPLE.map((spec) => encodeFrame(spec, 'client')));
    const whole = readAll(bytes, 'client', []).frames;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 40 }),
        (cuts) => {
          const frames = readAll(
            bytes,
            'client',
            [...cuts].sort((a, b) => a - b),
          ).frames;
          expect(frames).toEqual(whole);
        },
      ),
    );
  });

  it('round-trips every length form', () => {
    for (const length of [0, 125, 126, 65535, 65536, 70000]) {
      for (const form of ['minimal', 16, 64] as const) {
        if (form === 16 && length > 0xffff) continue;
        const payload = new Uint8Array(length).map((_, i) => i & 0xff);
        const frame = readAll(
          encodeFrame({ opcode: OP.binary, payload, lengthForm: form }, 'client'),
          'client',
          [],
        );
        expect(Buffer.compare(frame.frames[0]!.payload, payload)).toBe(0);
        const minimal =
          form === 'minimal' || (form === 16 && length > 125) || (form === 64 && length > 0xffff);
        expect(frame.violations.length).toBe(minimal ? 0 : 1);
      }
    }
  });

  it('reports what a peer must not send', () => {
    const bad = concat([
      encodeFrame({ opcode: OP.text, payload: 'x', rsv: 4 }, 'server'),
      encodeFrame({ opcode: 5 }, 'server'),
      encodeFrame({ opcode: OP.ping, fin: false }, 'server'),
      encodeFrame({ opcode: OP.close, payload: closePayload(1005) }, 'server'),
      encodeFrame({ opcode: OP.text, payload: 'late' }, 'server'),
    ]);
    const { violations } = readAll(bad, 'server', []);
    expect(violations).toEqual([
      'RSV bits 4 set without an extension (§5.2)',
      'reserved opcode 5 (§5.2)',
      'fragmented control frame (§5.5)',
      'Close code 1005 that may not be sent (§7.4)',
      'frame (opcode 1) after the Close frame (§5.5.1)',
    ]);
    expect(readAll(encodeFrame({ opcode: OP.text }, 'client'), 'server', []).violations).toEqual([
      'masked frame from a server (§5.1)',
    ]);
  });
});

describe('firstInvalidByte', () => {
  const streamingValid = (bytes: Uint8Array) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
      return true;
    } catch {
      return false;
    }
  };

  it('finds the byte where a text stops being a valid UTF-8 prefix (against TextDecoder)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        const at = firstInvalidByte(bytes);
        expect(at === -1).toBe(streamingValid(bytes));
        if (at >= 0) {
          expect(streamingValid(bytes.subarray(0, at))).toBe(true);
          expect(streamingValid(bytes.subarray(0, at + 1))).toBe(false);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('knows the classic cases', () => {
    expect(firstInvalidByte(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(1);
    expect(firstInvalidByte(new Uint8Array([0xc0, 0xaf]))).toBe(0);
    expect(firstInvalidByte(new Uint8Array([0xf4, 0x90, 0x80, 0x80]))).toBe(1);
    expect(firstInvalidByte(new TextEncoder().encode('κόσμε😀'))).toBe(-1);
  });
});
