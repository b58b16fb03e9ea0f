/**
 * The case suite as part of `pnpm test`: ours must have zero FAILED; ws, the control, must show
 * exactly its known deviations (so a change in either shows up here); and a deliberately broken
 * peer must be caught, which proves the cases can fail.
 */
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { count, writeReports } from '../src/report.js';
import type { CaseResult } from '../src/runner.js';
import { runSuite, type TargetReport } from '../src/suite.js';
import { oursStandaloneTarget, oursTarget } from '../src/targets/ours.js';
import type { Target } from '../src/targets/types.js';
import { wsTarget } from '../src/targets/ws.js';

const RESULTS = fileURLToPath(new URL('../results', import.meta.url));

/** ws 8's deviations, each checked by hand against the RFC (see README). */
const WS_KNOWN_FAILED = [
  'client/ping-pong.thousand-pings', // terminates after maxPendingAutoPongs unanswered pongs
  'server/ping-pong.thousand-pings',
  'server/handshake.http-1.0', // upgrades an HTTP/1.0 request (§4.1: at least 1.1)
  'server/handshake.host-missing', // upgrades a request without Host (§4.1 MUST)
  'server/handshake.http-host-twice', // upgrades a request with two Host headers (RFC 9112 §3.2)
];

/**
 * ws 8's permessage-deflate deviations, NON-STRICT: it answers an offer list whose first
 * element has an invalid or unknown parameter with 400 instead of declining that element and
 * accepting the next (RFC 7692 §5, §7.1).
 */
const WS_KNOWN_DEFLATE_NON_STRICT = [
  'server/deflate-errors.rsv1-offer-declined',
  'server/deflate-params.list-invalid-then-valid',
  'server/deflate-params.list-unknown-then-valid',
];

const ids = (results: readonly CaseResult[], verdict: CaseResult['verdict']) =>
  results
    .filter((r) => r.verdict === verdict)
    .map((r) => `${r.mode}/${r.id}`)
    .sort();

let ours: TargetReport;
let standalone: TargetReport;
let ws: TargetReport;

describe('RFC 6455 case suite', () => {
  beforeAll(async () => {
    [ours, standalone, ws] = await Promise.all([
      runSuite(oursTarget),
      runSuite(oursStandaloneTarget),
      runSuite(wsTarget),
    ]);
    await writeReports(RESULTS, [ours, standalone, ws]);
    for (const report of [ours, standalone, ws]) {
      const c = count(report.results);
      console.log(
        `${report.label}: ${c.OK} OK, ${c['NON-STRICT']} NON-STRICT, ${c.FAILED} FAILED of ${report.results.length}${report.unavailable ? ` (not run: ${report.unavailable})` : ''}`,
      );
    }
  }, 600_000);

  it('runs against ours (the @ws packages are built)', () => {
    expect(ours.unavailable).toBeUndefined();
    expect(ours.results.length).toBe(ws.results.length);
    expect(ours.results.length).toBeGreaterThan(400);
  });

  it('ours: no case FAILED', () => {
    const failed = ours.results.filter((r) => r.verdict === 'FAILED');
    expect(failed.map((r) => `${r.mode}/${r.id}: ${r.note}`)).toEqual([]);
    const nonStrict = ids(ours.results, 'NON-STRICT');
    if (nonStrict.length > 0) console.log(`ours NON-STRICT: ${nonStrict.join(', ')}`);
  });

  it('ours, standalone server (its own HTTP head reader): no case FAILED', () => {
    expect(standalone.unavailable).toBeUndefined();
    expect(standalone.results.length).toBe(ours.results.filter((r) => r.mode === 'server').length);
    const failed = standalone.results.filter((r) => r.verdict === 'FAILED');
    expect(failed.map((r) => `${r.mode}/${r.id}: ${r.note}`)).toEqual([]);
    const nonStrict = ids(standalone.results, 'NON-STRICT');
    if (nonStrict.length > 0) console.log(`ours standalone NON-STRICT: ${nonStrict.join(', ')}`);
  });

  it('ours: invalid UTF-8 fails fast, at the bad byte', () => {
    const fast = ours.results.filter((r) => r.id.startsWith('utf8.fail-fast-'));
    expect(fast.length).toBeGreaterThan(20);
    expect(
      fast.filter((r) => r.verdict !== 'OK').map((r) => `${r.mode}/${r.id}: ${r.note}`),
    ).toEqual([]);
  });

  it('ws (control): exactly its known deviations', () => {
    expect(ws.unavailable).toBeUndefined();
    const failed = ids(ws.results, 'FAILED');
    // The handshake ones are certain; the ping flood depends on how many pings one read holds.
    expect(failed).toEqual(
      expect.arrayContaining(WS_KNOWN_FAILED.filter((id) => id.includes('handshake'))),
    );
    expect(failed.filter((id) => !WS_KNOWN_FAILED.includes(id))).toEqual([]);
    // ws validates UTF-8 when a message is complete: every fail-fast case is NON-STRICT for it.
    const fast = ws.results.filter((r) => r.id.startsWith('utf8.fail-fast-'));
    expect(fast.every((r) => r.verdict === 'NON-STRICT')).toBe(true);
    const deflate = ws.results.filter((r) => r.group.startsWith('deflate'));
    expect(ids(deflate, 'NON-STRICT')).toEqual(WS_KNOWN_DEFLATE_NON_STRICT);
  });

  it('permessage-deflate groups ran against every server, and ours compressed its replies', () => {
    for (const report of [ours, standalone, ws]) {
      const deflate = report.results.filter((r) => r.group.startsWith('deflate'));
      expect(deflate.length, report.label).toBeGreaterThan(70);
    }
    // Threshold 0 on the test servers: every echo is compressed unless it cannot be.
    const echo = ours.results.find((r) => r.id === 'deflate.text-64k');
    expect(echo?.note).toBe('3 of 3 replies compressed');
  });
});

/** ws with UTF-8 validation switched off: a peer that breaks §8.1, which the suite must catch. */
const brokenTarget: Target = {
  ...wsTarget,
  name: 'ws',
  label: 'ws without UTF-8 validation',
  startServer() {
    return new Promise((resolve) => {
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0, skipUTF8Validation: true });
      server.on('connection', (socket) => {
        socket.on('error', () => {});
        socket.on('message', (data, isBinary) => socket.send(data as Buffer, { binary: isBinary }));
      });
      server.on('listening', () =>
        resolve({
          port: (server.address() as AddressInfo).port,
          stop: () => new Promise<void>((done) => server.close(() => done())),
        }),
      );
    });
  },
};

/**
 * ws whose 101 claims more than its compressor keeps to (`claim` appended to its
 * permessage-deflate answer): a peer that breaks RFC 7692 §7.1, which the driver's inflater
 * (agreed window, a fresh stream per message without takeover) must catch.
 */
function lyingDeflateTarget(claim: string): Target {
  return {
    ...wsTarget,
    name: 'ws',
    label: `ws claiming ${claim}`,
    startServer() {
      return new Promise((resolve) => {
        const server = new WebSocketServer({
          host: '127.0.0.1',
          port: 0,
          perMessageDeflate: { threshold: 0 },
        });
        server.on('headers', (headers) => {
          const at = headers.findIndex((line) => /^sec-websocket-extensions:/i.test(line));
          if (at >= 0) headers[at] = `${headers[at]}; ${claim}`;
        });
        server.on('connection', (socket) => {
          socket.on('error', () => {});
          socket.on('message', (data, isBinary) =>
            socket.send(data as Buffer, { binary: isBinary }),
          );
        });
        server.on('listening', () =>
          resolve({
            port: (server.address() as AddressInfo).port,
            stop: () => new Promise<void>((done) => server.close(() => done())),
          }),
        );
      });
    },
  };
}

describe('the suite can fail', () => {
  for (const claim of ['server_no_context_takeover', 'server_max_window_bits=9']) {
    it(`catches a compressing server that does not keep to "${claim}" it answered`, async () => {
      const report = await runSuite(lyingDeflateTarget(claim), {
        modes: ['server'],
        filter: 'deflate-params.plain',
        guardMs: 1000,
      });
      expect(report.results.length).toBe(1);
      expect(report.results[0]!.verdict).toBe('FAILED');
      expect(report.results[0]!.note).toMatch(/does not inflate with the agreed parameters/);
    }, 60_000);
  }

  it('catches a server that echoes invalid UTF-8', async () => {
    const report = await runSuite(brokenTarget, {
      groups: ['utf8'],
      modes: ['server'],
      filter: 'invalid-s',
      guardMs: 300,
    });
    const results = report.results;
    expect(results.length).toBe(10);
    for (const result of results) {
      expect(result.verdict, result.id).toBe('FAILED');
      expect(result.note).toMatch(/not UTF-8|processed the invalid input/);
    }
  }, 120_000);
});
