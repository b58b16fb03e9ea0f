import { spawn, spawnSync } from 'node:child_process';
import type http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webEchoServer } from './web-echo-server.js';

/** A Python with the `websockets` package (Debian: python3-websockets), or why there is none. */
function findPython(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import websockets'], { encoding: 'utf8' });
    if (probe.status === 0) return python;
  }
  return undefined;
}

const python = findPython();
if (python === undefined) {
  console.log(
    'web-interop-python: skipped: python3 with websockets is not installed (apt-get install python3-websockets)',
  );
}

/** Connects with websockets' compression offer, echoes messages, prints a JSON report. */
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

describe.skipIf(python === undefined)(
  'interop: Python websockets client → our web-path server',
  () => {
    const seen: string[] = [];
    const sockets = new Set<Socket>();
    let server: http.Server;
    let url: string;
    beforeAll(async () => {
      server = webEchoServer({ threshold: 0 }, seen, sockets);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    afterAll(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it.each([
      ['default', 'permessage-deflate; server_no_context_takeover; client_no_context_takeover'],
      [
        'small',
        'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=11',
      ],
    ])(
      "accepts websockets' %s offer and echoes compressed messages",
      async (mode, header) => {
        const child = spawn(python!, ['-c', CLIENT, url, mode], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk));
        child.stderr.on('data', (chunk: Buffer) => (err += chunk));
        const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
        expect(err).toBe('');
        expect(code).toBe(0);
        expect(JSON.parse(out)).toEqual({
          extensions: header,
          ok: [true, true, true, true, true, true],
        });
        expect(seen.at(-1)).toBe(header);
        // Our replies went compressed where they could: far fewer bytes written than echoed.
        const socket = [...sockets].at(-1)!;
        if (mode === 'default') expect(socket.bytesWritten).toBeLessThan(25_600);
      },
      60_000,
    );
  },
);
