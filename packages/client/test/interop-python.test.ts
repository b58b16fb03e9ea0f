import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, WebSocket } from '../src/index.js';

/** A Python with the `websockets` package (Debian: python3-websockets), or why there is none. */
function findPython(): { python: string; version: string } | { reason: string } {
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import websockets; print(websockets.__version__)'], {
      encoding: 'utf8',
    });
    if (probe.status === 0) return { python, version: probe.stdout.trim() };
  }
  return {
    reason:
      'python3 with the websockets package is not installed (apt-get install python3-websockets)',
  };
}

const found = findPython();
if ('reason' in found) console.log(`interop-python: skipped: ${found.reason}`);

/** Echo server; exits by itself when stdin closes or after 120 s. */
const SERVER = `
import asyncio, sys, threading, os, websockets
threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
threading.Timer(120, lambda: os._exit(0)).start()
async def echo(ws, path=None):
    if getattr(ws, 'path', '') == '/close':
        await ws.close(4321, 'python says bye')
        return
    try:
        async for message in ws:
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass
async def main():
    async with websockets.serve(echo, '127.0.0.1', 0, subprotocols=['chat'], max_size=2**24, compression=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()
asyncio.run(main())
`;

describe.skipIf('reason' in found)('interop: Python websockets server', () => {
  let child: ChildProcess;
  let url = '';

  beforeAll(async () => {
    const { python } = found as { python: string };
    child = spawn(python, ['-c', SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      child.once('exit', (code) => reject(new Error(`the Python server exited with ${code}`)));
    });
    url = `ws://127.0.0.1:${port}`;
  });

  afterAll(() => {
    child?.stdin?.end();
    child?.kill();
  });

  it(`echoes text and binary, negotiates a subprotocol (websockets ${'version' in found ? found.version : ''})`, async () => {
    const conn = await connect(`${url}/`, { protocols: ['chat'] });
    expect(conn.subprotocol).toBe('chat');
    for (const size of [0, 125, 126, 65536, 1 << 20]) {
      const bytes = new Uint8Array(size).map((_, i) => i & 0xff);
      await conn.sendBinary(bytes);
      const echoed = await conn.receive();
      expect(
        Buffer.compare(Buffer.from((echoed as { data: Uint8Array }).data), Buffer.from(bytes)),
      ).toBe(0);
      const text = 'ü'.repeat(size);
      await conn.sendText(text);
      expect(await conn.receive()).toEqual({ type: 'text', data: text });
    }
    expect(await conn.close(4000, 'client done')).toMatchObject({ code: 4000, wasClean: true });
  });

  it('reports the server’s close code and reason', async () => {
    const conn = await connect(`${url}/close`);
    expect(await conn.receive()).toMatchObject({
      type: 'close',
      code: 4321,
      reason: 'python says bye',
    });
  });

  it('the WebSocket class', async () => {
    const log: string[] = [];
    await new Promise<void>((resolve) => {
      const socket = new WebSocket(`${url}/`);
      socket.onopen = () => socket.send('from the browser API');
      socket.onmessage = (event) => {
        log.push(event.data);
        socket.close();
      };
      socket.onclose = (event) => {
        log.push(`close ${event.code} ${event.wasClean}`);
        resolve();
      };
    });
    // close() with no arguments sends a Close frame without a body (WHATWG), which the server
    // echoes; an empty Close reads as 1005, as it does in browsers.
    expect(log).toEqual(['from the browser API', 'close 1005 true']);
  });
});
