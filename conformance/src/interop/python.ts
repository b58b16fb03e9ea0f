/** Interop with Python's websockets (Debian python3-websockets), both directions. */
import { lastJson, PYTHON, run, startServerProcess } from './process.js';
import {
  compressedOnTheWire,
  runOursClient,
  serverSawClientClose,
  startInteropServer,
} from './scenario.js';
import { type Check, isClientClose, type Pairing } from './types.js';

export async function pythonUnavailable(): Promise<string | undefined> {
  const probe = await run(
    PYTHON,
    ['-c', 'import websockets; print(websockets.__version__)'],
    30_000,
  );
  if (probe.code !== 0) {
    return `${PYTHON} cannot import websockets (install the Debian package python3-websockets): ${probe.stderr.trim().split('\n').at(-1) ?? ''}`;
  }
  return undefined;
}

async function runPythonClient(options: { deflate?: boolean }) {
  const server = await startInteropServer(options);
  try {
    const finished = await run(
      PYTHON,
      ['python_client.py', `ws://127.0.0.1:${server.port}`],
      120_000,
    );
    const result = lastJson<{ runtime: string; checks: Check[] }>(finished);
    result.checks.push(await serverSawClientClose(server));
    if (options.deflate) result.checks.push(...compressedOnTheWire(server.traffic));
    return result;
  } finally {
    await server.stop();
  }
}

export const pythonClientToOurServer: Pairing = {
  id: 'python-websockets→ours-server',
  title: 'Python websockets client → @ws/server',
  unavailable: pythonUnavailable,
  run: () => runPythonClient({}),
};

/** websockets' client offers permessage-deflate by default. */
export const pythonClientToOurServerDeflate: Pairing = {
  id: 'python-websockets→ours-server+deflate',
  title: 'Python websockets client → @ws/server, permessage-deflate on both sides',
  unavailable: pythonUnavailable,
  run: () => runPythonClient({ deflate: true }),
};

export function startPythonServer() {
  return startServerProcess(PYTHON, ['python_server.py'], 30_000);
}

export const oursClientToPythonServer: Pairing = {
  id: 'ours-client→python-websockets',
  // websockets' server accepts permessage-deflate by default, so this pairing always has it.
  title: '@ws/client → Python websockets server, permessage-deflate on both sides (its default)',
  unavailable: pythonUnavailable,
  async run() {
    const server = await startPythonServer();
    try {
      const checks = await runOursClient(`ws://127.0.0.1:${server.port}`, { deflate: true });
      for (let i = 0; i < 100 && !server.lines.some((l) => l.includes('4000')); i++)
        await new Promise((r) => setTimeout(r, 50));
      checks.push({
        name: 'Python server received the client close 4000 with its reason',
        ok: server.lines.some(isClientClose),
        detail: server.lines.join(' '),
      });
      const version = await run(
        PYTHON,
        ['-c', 'import websockets; print(websockets.__version__)'],
        30_000,
      );
      return { checks, runtime: `python websockets ${version.stdout.trim()}` };
    } finally {
      server.stop();
    }
  },
};
