import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BroadcastReport,
  broadcastPayload,
  formatBroadcastReport,
  MAX_BROADCAST_SIZE,
  parseBroadcastReport,
  parseCommand,
} from '../src/e2e/control.js';

describe('parseCommand', () => {
  it('reads CPU, MEM, GC and BCAST <size> <seq>, with surrounding whitespace', () => {
    expect(parseCommand('CPU')).toEqual({ kind: 'CPU' });
    expect(parseCommand(' MEM\r')).toEqual({ kind: 'MEM' });
    expect(parseCommand('GC')).toEqual({ kind: 'GC' });
    expect(parseCommand('BCAST 1024 7')).toEqual({ kind: 'BCAST', size: 1024, seq: 7 });
    expect(parseCommand('BCAST 0 0')).toEqual({ kind: 'BCAST', size: 0, seq: 0 });
  });

  it('ignores anything else: unknown words, missing or extra fields, signs, oversized payloads', () => {
    for (const line of [
      '',
      'cpu',
      'BCAST',
      'BCAST 10',
      'BCAST 10 1 2',
      'BCAST -1 1',
      'BCAST 1.5 1',
      'BCAST 1e3 1',
      `BCAST ${MAX_BROADCAST_SIZE + 1} 1`,
      'BCAST 1234567890 1',
    ])
      expect(parseCommand(line), line).toBeUndefined();
    expect(parseCommand(`BCAST ${MAX_BROADCAST_SIZE} 1`)).toEqual({
      kind: 'BCAST',
      size: MAX_BROADCAST_SIZE,
      seq: 1,
    });
  });
});

describe('broadcastPayload', () => {
  it('is the same for the same size and seq, and differs between seqs', () => {
    expect(broadcastPayload(1024, 3)).toEqual(broadcastPayload(1024, 3));
    expect(broadcastPayload(1024, 3)).not.toEqual(broadcastPayload(1024, 4));
    expect(broadcastPayload(0, 1)).toHaveLength(0);
    // A shorter payload is the start of a longer one with the same seq.
    expect(broadcastPayload(70_000, 9).subarray(0, 126)).toEqual(broadcastPayload(126, 9));
  });

  it('is not a constant fill', () => {
    const bytes = broadcastPayload(1024, 1);
    expect(new Set(bytes).size).toBeGreaterThan(200);
  });
});

describe('BCAST answers', () => {
  it('round-trip through format and parse (negative deltas too)', () => {
    fc.assert(
      fc.property(
        fc.record({
          clients: fc.nat(),
          cpuUs: fc.nat(),
          callUs: fc.nat(),
          bufferBytes: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
          heapBytes: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
          gcs: fc.nat(),
        }),
        (report: BroadcastReport) => {
          expect(parseBroadcastReport(formatBroadcastReport(report))).toEqual(report);
        },
      ),
    );
  });

  it('rounds the microsecond figures to integers', () => {
    const line = formatBroadcastReport({
      clients: 5,
      cpuUs: 12.6,
      callUs: 3.2,
      bufferBytes: 0,
      heapBytes: -8,
      gcs: 2,
    });
    expect(line).toBe('BCAST 5 13 3 0 -8 2');
  });

  it('turns an error answer or anything else into an error value', () => {
    expect(parseBroadcastReport('BCAST ERR this server has no broadcast')).toEqual({
      error: 'this server has no broadcast',
    });
    for (const line of [
      '',
      'TIMEOUT',
      'EXIT',
      'BCAST 1 2 3 4 5',
      'BCAST a b c d e f',
      'BCAST 1 2 3 4 5 -1',
      'CPU 1 2',
    ])
      expect(parseBroadcastReport(line), line).toHaveProperty('error');
  });
});
