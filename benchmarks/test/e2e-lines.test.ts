import { describe, expect, it } from 'vitest';
import { summarise } from '../src/harness/interleave.js';
import type { CandidateResult, WorkloadResult } from '../src/harness/types.js';
import { broadcastComparisonLine } from '../src/sections/broadcast.js';
import { handshakeTargetLine } from '../src/sections/handshake.js';
import { idleTargetLines } from '../src/sections/idle.js';

function candidate(
  name: string,
  opsPerSecond: number,
  metrics: Record<string, number>,
): CandidateResult {
  return summarise({ name, role: name === 'ours' ? 'ours' : 'reference' }, name === 'ours', 1, [
    { ops: opsPerSecond, seconds: 1, metrics },
  ]);
}

function workload(candidates: CandidateResult[]): WorkloadResult {
  return { section: 's', id: 'w', title: 'w', opName: 'op', candidates, ratios: [] };
}

describe('handshakeTargetLine', () => {
  it('gives ours/ws for rate and CPU and says whether the 1.5x target is met', () => {
    const line = handshakeTargetLine(
      workload([
        candidate('ours', 6000, { serverCpuUsPerHandshake: 50 }),
        candidate('ws', 3000, { serverCpuUsPerHandshake: 100 }),
      ]),
    );
    expect(line).toContain('ours/ws 2.00x');
    expect(line).toContain(', met)');
    expect(line).toContain('server CPU per handshake ours/ws 0.50x');
    expect(
      handshakeTargetLine(workload([candidate('ours', 4000, {}), candidate('ws', 3000, {})])),
    ).toContain('not met');
  });

  it('says nothing without both ours and ws', () => {
    expect(handshakeTargetLine(workload([candidate('ws', 1, {})]))).toBeUndefined();
  });
});

describe('idleTargetLines', () => {
  it('compares half of ws with ours and with the node:net floor', () => {
    const [rss, rssOld, heap] = idleTargetLines(
      workload([
        candidate('node:net floor', 1, {
          rssPerConnKiB: 6,
          rssOldPerConnKiB: 3,
          heapPerConnKiB: 1,
        }),
        candidate('ours', 1, { rssPerConnKiB: 8, rssOldPerConnKiB: 4, heapPerConnKiB: 1.2 }),
        candidate('ws', 1, { rssPerConnKiB: 9, rssOldPerConnKiB: 4.4, heapPerConnKiB: 2.6 }),
      ]),
    );
    expect(rss).toContain('ours/ws 0.89x');
    expect(rss).toContain('not met');
    expect(rss).toContain(
      '½ of ws = 4.50 KiB, the node:net floor holds 6.00 KiB — below the floor',
    );
    expect(rssOld).toContain('RSS without the young generation');
    expect(rssOld).toContain(
      '½ of ws = 2.20 KiB, the node:net floor holds 3.00 KiB — below the floor',
    );
    expect(heap).toContain('ours/ws 0.46x');
    expect(heap).toContain(', met)');
    expect(heap).not.toContain('below the floor');
  });

  it('is empty without both ours and ws', () => {
    expect(idleTargetLines(workload([candidate('ours', 1, {})]))).toEqual([]);
  });
});

describe('broadcastComparisonLine', () => {
  it('gives ours/ws for every broadcast cost', () => {
    const line = broadcastComparisonLine(
      workload([
        candidate('ours', 1, { bcastMs: 10, bcastCpuUs: 1000, bcastBufKiB: 1, bcastHeapKiB: 100 }),
        candidate('ws', 1, { bcastMs: 20, bcastCpuUs: 4000, bcastBufKiB: 40, bcastHeapKiB: 1000 }),
      ]),
    );
    expect(line).toContain('delivery time 0.50x');
    expect(line).toContain('server CPU 0.25x');
    expect(line).toContain('JS heap 0.10x');
    expect(line).toContain('buffers 1.0 KiB (ours) vs 40.0 KiB (ws)');
  });
});
