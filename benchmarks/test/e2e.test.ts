import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceFrame } from '../src/corpus.js';
import { runBroadcasts } from '../src/e2e/broadcast-load.js';
import { handshakeKeys, runHandshakes } from '../src/e2e/handshake-load.js';
import { echoOnce, FrameCounter, holdConnections, runLoad } from '../src/e2e/load.js';
import { discoverServers, type ServerEntry, ServerProcess } from '../src/e2e/server-process.js';
import { Prng } from '../src/prng.js';

describe('FrameCounter', () => {
  const prng = new Prng(7);
  const payloads = [0, 1, 125, 126, 300, 65_535, 65_536].map((n) => prng.bytes(n));
  const key = Uint8Array.of(1, 2, 3, 4);
  const stream = Buffer.concat(
    payloads.flatMap((p, i) => [referenceFrame(p, i % 2 ? key : undefined)]),
  );

  it('counts and recovers every frame, masked or not, split at every byte near each header', () => {
    const frames = payloads.map((p, i) => referenceFrame(p, i % 2 ? key : undefined));
    const splits = new Set<number>();
    let start = 0;
    for (const frame of frames) {
      for (let d = -2; d <= 16; d++) splits.add(Math.min(stream.length, Math.max(0, start + d)));
      start += frame.length;
    }
    for (let at = 0; at < stream.length; at += 997) splits.add(at);
    for (const split of splits) {
      const counter = new FrameCounter(true);
      const count = counter.feed(stream.subarray(0, split)) + counter.feed(stream.subarray(split));
      expect(count).toBe(payloads.length);
      for (const [i, p] of counter.payloads.entries())
        expect(Buffer.compare(Buffer.from(p), Buffer.from(payloads[i]!))).toBe(0);
    }
  });

  it('counts the same one byte at a time', () => {
    const counter = new FrameCounter();
    let frames = 0;
    for (let i = 0; i < stream.length; i++) frames += counter.feed(stream.subarray(i, i + 1));
    expect(frames).toBe(payloads.length);
  });
});

describe('server processes', () => {
  let entries: ServerEntry[];
  beforeAll(async () => {
    entries = await discoverServers();
  });

  it('discovers the floor, ws and Bun servers, each with a unique name', () => {
    const names = entries.map((e) => e.server.name);
    expect(names).toEqual(expect.arrayContaining(['node:net floor', 'ws', 'Bun.serve']));
    expect(new Set(names).size).toBe(names.length);
    const references = entries
      .filter((e) => e.server.role === 'reference')
      .map((e) => e.server.name);
    expect(references).toEqual(expect.arrayContaining(['node:net floor', 'ws', 'Bun.serve']));
  });

  describe.each(['node:net floor', 'ws', 'ours'])('%s', (name) => {
    let server: { process: ServerProcess; port: number };
    beforeAll(async () => {
      server = await ServerProcess.start(entries.find((e) => e.server.name === name)!);
    }, 60_000);
    afterAll(async () => {
      await server?.process.stop();
    });

    it('echoes a payload intact', async () => {
      const payload = new Prng(3).bytes(70_000);
      const back = await echoOnce(server.port, payload);
      expect(Buffer.compare(Buffer.from(back), Buffer.from(payload))).toBe(0);
    });

    it('holds idle connections open while asked, and reports its memory', async () => {
      let during = { rss: 0, heapUsed: 0 };
      const held = await holdConnections(
        server.port,
        30,
        async () => {
          during = await server.process.memory();
        },
        7,
      );
      expect(held.problem).toBeUndefined();
      expect(held.opened).toBe(30);
      expect(during.rss).toBeGreaterThan(1024 * 1024);
      expect(during.heapUsed).toBeGreaterThan(0);
    });

    it('completes handshakes and closing handshakes, 101 and Close checked', async () => {
      const before = await server.process.cpuMicros();
      const run = await runHandshakes(server.port, 40, 4, handshakeKeys(8));
      expect(run.problem).toBeUndefined();
      expect(run.completed).toBe(40);
      expect(await server.process.cpuMicros()).toBeGreaterThan(before);
    });

    it('broadcasts every length form to every client once, and reports what it cost', async () => {
      const sizes = [0, 125, 126, 70_000, 1024];
      const run = await runBroadcasts(server.process, {
        port: server.port,
        clients: 120,
        sizes,
        firstSeq: 1,
        settleMs: 50,
        deliveryLimitMs: 20_000,
      });
      expect(run.problem).toBeUndefined();
      expect(run.deliveryMs).toHaveLength(sizes.length);
      expect(run.reports.map((r) => r.clients)).toEqual(sizes.map(() => 120));
      for (const report of run.reports) expect(report.cpuUs).toBeGreaterThanOrEqual(0);
    });

    it('answers every pipelined message and reports its own CPU time', async () => {
      let before = 0;
      let after = 0;
      const result = await runLoad(
        {
          port: server.port,
          connections: 3,
          inFlight: 4,
          payloadSize: 100,
          messagesPerConnection: 50,
          timeLimitMs: 20_000,
        },
        {
          beforeStart: async () => {
            before = await server.process.cpuMicros();
          },
          afterDone: async () => {
            after = await server.process.cpuMicros();
          },
        },
      );
      expect(result.problem).toBeUndefined();
      expect(result.messages).toBe(150);
      expect(result.payloadBytes).toBe(15_000);
      expect(result.latenciesUs).toHaveLength(150);
      expect(after).toBeGreaterThan(before);
    });
  });
});
