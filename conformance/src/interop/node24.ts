/** Interop with Node 24's built-in WHATWG WebSocket (undici) as a client of @ws/server. */
import { lastJson, NPX_FLAGS, run } from './process.js';
import { compressedOnTheWire, serverSawClientClose, startInteropServer } from './scenario.js';
import type { Check, Pairing } from './types.js';

const NODE_24 = ['npx', [...NPX_FLAGS, 'node@24']] as const;

let node24Probe: Promise<string | undefined> | undefined;

/** Whether `npx node@24` runs, probed once per process (two pairings ask). */
function node24Unavailable(): Promise<string | undefined> {
  node24Probe ??= probeNode24();
  return node24Probe;
}

async function probeNode24(): Promise<string | undefined> {
  const probe = await run(
    NODE_24[0],
    [...NODE_24[1], '-e', 'console.log(process.version, typeof WebSocket)'],
    180_000,
  );
  if (!/^v2[2-9]\.\S+ function/.test(probe.stdout.trim())) {
    return `node@24 via npx is not available (exit ${probe.code}${probe.timedOut ? ', timed out' : ''}): ${(probe.stderr || probe.stdout).trim().slice(0, 200)}`;
  }
  return undefined;
}

async function runNode24(options: { deflate?: boolean }) {
  const server = await startInteropServer(options);
  try {
    const finished = await run(
      NODE_24[0],
      [
        ...NODE_24[1],
        'node-client.mjs',
        `ws://127.0.0.1:${server.port}`,
        ...(options.deflate ? ['deflate'] : []),
      ],
      120_000,
    );
    const result = lastJson<{ runtime: string; checks: Check[] }>(finished);
    result.checks.push(await serverSawClientClose(server));
    // undici negotiates permessage-deflate and inflates what it receives, but sends its own
    // messages uncompressed (measured: 2.83 MB of payload in 2.83 MB read), which §6 allows.
    if (options.deflate) {
      result.checks.push(...compressedOnTheWire(server.traffic, { peerCompresses: false }));
    }
    return result;
  } finally {
    await server.stop();
  }
}

export const node24ClientToOurServer: Pairing = {
  id: 'node24-websocket→ours-server',
  title: "Node 24's WebSocket (undici) → @ws/server",
  unavailable: node24Unavailable,
  run: () => runNode24({}),
};

/** undici offers `permessage-deflate; client_max_window_bits`, as browsers do. */
export const node24ClientToOurServerDeflate: Pairing = {
  id: 'node24-websocket→ours-server+deflate',
  title: "Node 24's WebSocket (undici) → @ws/server, permessage-deflate on both sides",
  unavailable: node24Unavailable,
  run: () => runNode24({ deflate: true }),
};
