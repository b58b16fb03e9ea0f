/** Interop with Bun's server (Bun.serve, uWebSockets underneath) as a server for @ws/client. */
import { NPX_FLAGS, run, startServerProcess } from './process.js';
import { runOursClient } from './scenario.js';
import { isClientClose, type Pairing } from './types.js';

export function startBunServer() {
  return startServerProcess('npx', [...NPX_FLAGS, 'bun', 'bun-server.mjs'], 60_000);
}

export async function bunUnavailable(): Promise<string | undefined> {
  const probe = await run('npx', [...NPX_FLAGS, 'bun', '--version'], 180_000);
  if (probe.code !== 0 || !/^\d+\.\d+/.test(probe.stdout.trim())) {
    return `bun via npx is not available (exit ${probe.code}${probe.timedOut ? ', timed out' : ''}): ${(probe.stderr || probe.stdout).trim().slice(0, 200)}`;
  }
  return undefined;
}

export const oursClientToBunServer: Pairing = {
  id: 'ours-client→bun-server',
  title: '@ws/client → Bun.serve',
  unavailable: bunUnavailable,
  async run() {
    const version = (await run('npx', [...NPX_FLAGS, 'bun', '--version'], 60_000)).stdout.trim();
    const server = await startBunServer();
    try {
      const checks = await runOursClient(`ws://127.0.0.1:${server.port}`);
      for (let i = 0; i < 100 && !server.lines.some((l) => l.includes('4000')); i++)
        await new Promise((r) => setTimeout(r, 50));
      checks.push({
        name: 'Bun server received the client close 4000 with its reason',
        ok: server.lines.some(isClientClose),
        detail: server.lines.join(' '),
      });
      return { checks, runtime: `bun ${version}` };
    } finally {
      server.stop();
    }
  },
};
