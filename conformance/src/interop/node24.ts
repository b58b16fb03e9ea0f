/** Interop with Node 24's built-in WHATWG WebSocket (undici) as a client of @ws/server. */
import { lastJson, NPX_FLAGS, run } from './process.js';
import { serverSawClientClose, startInteropServer } from './scenario.js';
import type { Check, Pairing } from './types.js';

const NODE_24 = ['npx', [...NPX_FLAGS, 'node@24']] as const;

export const node24ClientToOurServer: Pairing = {
  id: 'node24-websocket→ours-server',
  title: "Node 24's WebSocket (undici) → @ws/server",
  async unavailable() {
    const probe = await run(
      NODE_24[0],
      [...NODE_24[1], '-e', 'console.log(process.version, typeof WebSocket)'],
      180_000,
    );
    if (!/^v2[2-9]\.\S+ function/.test(probe.stdout.trim())) {
      return `node@24 via npx is not available (exit ${probe.code}${probe.timedOut ? ', timed out' : ''}): ${(probe.stderr || probe.stdout).trim().slice(0, 200)}`;
    }
    return undefined;
  },
  async run() {
    const server = await startInteropServer();
    try {
      const finished = await run(
        NODE_24[0],
        [...NODE_24[1], 'node-client.mjs', `ws://127.0.0.1:${server.port}`],
        120_000,
      );
      const result = lastJson<{ runtime: string; checks: Check[] }>(finished);
      result.checks.push(await serverSawClientClose(server));
      return result;
    } finally {
      await server.stop();
    }
  },
};
