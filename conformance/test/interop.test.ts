/**
 * Interop with peers nobody here wrote, one test per pairing. A peer that cannot be had (no
 * python3-websockets, no Chromium, no network for npx) is skipped with its reason printed and
 * recorded in the test's note — never passed silently. A pairing whose peer is there must pass
 * every check.
 */
import { writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { PAIRINGS } from '../src/interop/index.js';
import { runScenario } from '../src/interop/peers/whatwg-client.mjs';
import { compressedOnTheWire, runOursClient, startInteropServer } from '../src/interop/scenario.js';
import { type PairingResult, runPairing } from '../src/interop/types.js';

const RESULTS = fileURLToPath(new URL('../results/interop.json', import.meta.url));
const results: PairingResult[] = [];

describe('interop', () => {
  afterAll(async () => {
    await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  });

  for (const pairing of PAIRINGS) {
    it(pairing.title, async (context) => {
      const result = await runPairing(pairing);
      results.push(result);
      if (result.status === 'skipped') {
        console.log(`SKIPPED interop "${pairing.title}": ${result.reason}`);
        context.skip(`peer unavailable: ${result.reason}`);
      }
      console.log(
        `interop "${pairing.title}" (${result.runtime}): ${result.checks.length} checks, ${result.status}`,
      );
      expect(result.checks.filter((check) => !check.ok)).toEqual([]);
      expect(result.status, result.reason).toBe('passed');
      expect(result.checks.length).toBeGreaterThanOrEqual(18);
    }, 300_000);
  }
});

describe('the interop checks can fail', () => {
  it('flags a server that picks no subprotocol and ignores the commands', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (socket) => {
      socket.on('message', (data, isBinary) => socket.send(data as Buffer, { binary: isBinary }));
    });
    await new Promise((resolve) => server.on('listening', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const failed = (await runOursClient(`ws://127.0.0.1:${port}`)).filter((check) => !check.ok);
      expect(failed.map((check) => check.name)).toEqual(
        expect.arrayContaining([
          'subprotocol negotiated',
          'server ping answered with pong (same payload)',
        ]),
      );
    } finally {
      server.close();
    }
  }, 120_000);

  it('flags a connection without compression in the permessage-deflate pairings', async () => {
    const server = await startInteropServer();
    try {
      const checks = await runScenario(WebSocket, `ws://127.0.0.1:${server.port}`, {
        deflate: true,
      });
      const failed = [...checks, ...compressedOnTheWire(server.traffic)].filter((c) => !c.ok);
      expect(failed.map((check) => check.name)).toEqual([
        'permessage-deflate negotiated (WebSocket.extensions)',
        'the server sent compressed frames (fewer bytes on the wire than payload)',
        'the server received compressed frames (fewer bytes on the wire than payload)',
      ]);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
