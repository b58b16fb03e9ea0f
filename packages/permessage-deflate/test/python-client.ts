import { spawn, spawnSync } from 'node:child_process';

/** A Python with the `websockets` package (Debian: python3-websockets), or undefined. */
export function findPython(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import websockets'], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  return undefined;
}

/** How many messages `CLIENT` echoes: JSON of 0, 3, 20, 200 and 2000 rows, and 25.6 KB of binary. */
export const PYTHON_MESSAGES = 6;

/**
 * Connects with websockets' compression offer (`default`: its default offer; `small`: small
 * windows and server_no_context_takeover), echoes `PYTHON_MESSAGES` messages, prints a JSON
 * report `{ extensions, ok: boolean[] }`.
 */
const CLIENT = `
import asyncio, json, sys, websockets
from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
async def main():
    options = {}
    if sys.argv[2] == 'small':
        options = dict(compression=None, extensions=[ClientPerMessageDeflateFactory(
            server_max_window_bits=10, client_max_window_bits=11, server_no_context_takeover=True)])
    async with websockets.connect(sys.argv[1], max_size=2**22, **options) as ws:
        ext = ws.response_headers.get('Sec-WebSocket-Extensions')
        ok = []
        for message in [json.dumps([{'id': i, 'name': 'row %d' % i} for i in range(n)]) for n in (0, 3, 20, 200, 2000)] + [bytes(range(256)) * 100]:
            await ws.send(message)
            ok.append(await ws.recv() == message)
        print(json.dumps({'extensions': ext, 'ok': ok}), flush=True)
asyncio.run(asyncio.wait_for(main(), 60))
`;

/** Runs the Python client against `url` until it exits. */
export async function runPythonClient(
  python: string,
  url: string,
  mode: string,
): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(python, ['-c', CLIENT, url, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, out, err };
}
