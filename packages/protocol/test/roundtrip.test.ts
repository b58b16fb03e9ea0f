import { createMaskKeySource } from '@ws/frame';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Protocol, type ProtocolEvent } from '../src/index.js';

const message = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 200 }).map((data) => ({ type: 'text' as const, data })),
  fc.uint8Array({ maxLength: 40_000 }).map((data) => ({ type: 'binary' as const, data })),
);

/** Cuts a byte stream into chunks at the given (wrapped) points. */
function rechunk(parts: Uint8Array[], cuts: number[]): Uint8Array[] {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  const points = [...new Set(cuts.map((c) => c % (total + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, total]) {
    if (point > start) chunks.push(all.slice(start, point));
    start = Math.max(start, point);
  }
  return chunks;
}

describe('Protocol to Protocol (fast-check)', () => {
  it.each(['client', 'server'] as const)(
    'what a %s sends, in any fragmentation and chunking, arrives unchanged',
    (role) => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(message, fc.option(fc.integer({ min: 1, max: 5000 }))), {
            maxLength: 10,
          }),
          fc.array(fc.nat(), { maxLength: 20 }),
          fc.integer(),
          (messages, cuts, seed) => {
            let state = seed;
            const source = createMaskKeySource((bytes) => {
              for (let i = 0; i < bytes.length; i++)
                bytes[i] = (state = (state * 1103515245 + 12345) | 0) >>> 24;
            }, 64);
            const sender = new Protocol({ role, maskKeySource: source });
            const receiver = new Protocol({ role: role === 'client' ? 'server' : 'client' });
            for (const [m, fragmentSize] of messages) {
              const options = fragmentSize === null ? undefined : { fragmentSize };
              if (m.type === 'text') sender.sendText(m.data, options);
              else sender.sendBinary(m.data, options);
            }
            sender.close(1000, 'end');
            for (const chunk of rechunk(sender.bytesToSend(), cuts)) receiver.receive(chunk);
            const expected: ProtocolEvent[] = [
              ...messages.map(([m]) => m),
              { type: 'close', code: 1000, reason: 'end', wasClean: true },
            ];
            expect(receiver.takeEvents()).toEqual(expected);
          },
        ),
        { numRuns: 150 },
      );
    },
  );
});
