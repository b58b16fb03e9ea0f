/** Interop with Bun's server (Bun.serve, uWebSockets underneath) as a server for @ws/client. */
import { NPX_FLAGS, run, startServerProcess } from './process.js';
import { runOursClient } from './scenario.js';
import { isClientClose, type Pairing } from './types.js';

/** `deflate`: Bun.serve with `perMessageDeflate: true`. */
export function startBunServer(options: { deflate?: boolean } = {}) {
  return startServerProcess(
    'npx',
    [...NPX_FLAGS, 'bun', 'bun-server.mjs', ...(options.deflate ? ['deflate'] : [])],
    60_000,
  );
}

let bunProbe: Promise<string | undefined> | undefined;

/** Whether `npx bun` runs, probed once per process (several pairings ask). */
export function bunUnavailable(): Promise<string | undefined> {
  bunProbe ??= probeBun();
  return bunProbe;
}

async function probeBun(): Promise<string | undefined> {
  const probe = await run('npx', [...NPX_FLAGS, 'bun', '--version'], 180_000);
  if (probe.code !== 0 || !/^\d+\.\d+/.test(probe.stdout.trim())) {
    return `bun via npx is not available (exit ${probe.code}${probe.timedOut ? ', timed out' : ''}): ${(probe.stderr || probe.stdout).trim().slice(0, 200)}`;
  }
  return undefined;
}

function bunPairing(id: string, title: string, options: { deflate?: boolean }): Pairing {
  return {
    id,
    title,
    unavailable: bunUnavailable,
    async run() {
      const version = (await run('npx', [...NPX_FLAGS, 'bun', '--version'], 60_000)).stdout.trim();
      const server = await startBunServer(options);
      try {
        const checks = await runOursClient(`ws://127.0.0.1:${server.port}`, options);
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
}

export const oursClientToBunServer = bunPairing(
  'ours-client→bun-server',
  '@ws/client → Bun.serve',
  {},
);

export const oursClientToBunServerDeflate = bunPairing(
  'ours-client→bun-server+deflate',
  '@ws/client → Bun.serve, permessage-deflate on both sides',
  { deflate: true },
);
