import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PerMessageDeflateOptions, WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { connect, HandshakeError, WebSocket } from '../src/index.js';
import { scriptedServer, switching, until } from './helpers.js';

const json = (n: number): string =>
  JSON.stringify(
    Array.from({ length: n }, (_, i) => ({ id: i, name: `row ${i}`, ok: i % 3 === 0 })),
  );

async function wsServer(perMessageDeflate: PerMessageDeflateOptions | boolean) {
  const sockets: WsSocket[] = [];
  const headers: string[] = [];
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate });
  wss.on('headers', (lines) => {
    headers.push(lines.find((line) => /^sec-websocket-extensions:/i.test(line)) ?? '');
  });
  wss.on('connection', (socket, request) => {
    sockets.push(socket);
    if (request.url === '/bomb') {
      socket.send(Buffer.alloc(2 << 20)); // 2 MiB of zeros, about 2 KiB on the wire
      return;
    }
    socket.on('message', (data, binary) => socket.send(data, { binary }));
  });
  await once(wss, 'listening');
  const url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
  return {
    url,
    headers,
    close: () => {
      for (const socket of sockets) socket.terminate();
      wss.close();
    },
  };
}

describe('permessage-deflate with a ws server (perMessageDeflate on both sides)', () => {
  let server: Awaited<ReturnType<typeof wsServer>>;
  beforeAll(async () => {
    server = await wsServer({ threshold: 0 });
  });
  afterAll(() => server.close());

  it('is negotiated by default and echoes compressed messages both ways', async () => {
    const conn = await connect(`${server.url}/`);
    expect(conn.extensions.map((extension) => extension.name)).toEqual(['permessage-deflate']);
    const messages = [json(300), 'tiny', '', json(5)];
    for (const message of messages) {
      await conn.sendText(message);
      expect(await conn.receive()).toEqual({ type: 'text', data: message });
    }
    const binary = new Uint8Array(200_000).map((_, i) => i % 7);
    await conn.sendBinary(binary);
    expect(await conn.receive()).toEqual({ type: 'binary', data: binary });
    await conn.close();
  });

  it.each<[string, object]>([
    [
      'no context takeover both ways',
      { serverNoContextTakeover: true, clientNoContextTakeover: true },
    ],
    ['small windows', { serverMaxWindowBits: 9, clientMaxWindowBits: 10 }],
    ['a window of 8 for the client', { clientMaxWindowBits: 8 }],
    ['threshold 0 and level 1', { threshold: 0, level: 1 }],
  ])('%s', async (_, perMessageDeflate) => {
    const conn = await connect(`${server.url}/`, { perMessageDeflate });
    for (let i = 0; i < 5; i++) {
      const message = json(100 + i);
      await conn.sendText(message);
      expect(await conn.receive()).toEqual({ type: 'text', data: message });
    }
    await conn.close();
  });

  it('the inflated size counts against maxMessageSize: a 2 MiB message of zeros closes with 1009', async () => {
    const conn = await connect(`${server.url}/bomb`, { limits: { maxMessageSize: 1 << 20 } });
    const result = await conn.receive();
    expect(result).toMatchObject({ kind: 'message-too-large', closeCode: 1009 });
    expect((await conn.closed).code).toBe(1009);
  });

  it('WebSocket.extensions reflects the negotiated header', async () => {
    const ws = new WebSocket(`${server.url}/`);
    await once(ws, 'open');
    expect(ws.extensions).toBe(
      server.headers.at(-1)?.replace(/^sec-websocket-extensions:\s*/i, ''),
    );
    expect(ws.extensions).toMatch(/^permessage-deflate/);
    ws.close();
    await once(ws, 'close');
  });

  it('perMessageDeflate: false offers nothing', async () => {
    const conn = await connect(`${server.url}/`, { perMessageDeflate: false });
    expect(conn.extensions).toEqual([]);
    expect(server.headers.at(-1)).toBe('');
    await conn.close();
  });
});

describe('permessage-deflate: what the client sends and checks', () => {
  let scripted: Awaited<ReturnType<typeof scriptedServer>> | undefined;
  afterAll(() => scripted?.close());

  it('offers `permessage-deflate; client_max_window_bits` (as Chromium does), or what the options say', async () => {
    scripted = await scriptedServer((peer) => peer.socket.write(switching(peer)));
    (await connect(scripted.url)).terminate();
    (
      await connect(scripted.url, {
        perMessageDeflate: { serverNoContextTakeover: true, serverMaxWindowBits: 10 },
      })
    ).terminate();
    (await connect(scripted.url, { perMessageDeflate: false })).terminate();
    const offered = scripted.requests.map(
      (request) =>
        request.headers.find(([name]) => name.toLowerCase() === 'sec-websocket-extensions')?.[1],
    );
    expect(offered).toEqual([
      'permessage-deflate; client_max_window_bits',
      'permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits',
      undefined,
    ]);
    await scripted.close();
    scripted = undefined;
  });

  it.each([
    [
      'permessage-deflate; server_max_window_bits=16',
      /server_max_window_bits must be an integer from 8 to 15, got "16"/,
    ],
    [
      'permessage-deflate; client_max_window_bits',
      /client_max_window_bits must be an integer from 8 to 15, got no value/,
    ],
    ['permessage-deflate; mystery', /unknown parameter mystery/],
    ['permessage-deflate, permessage-deflate', /more than once/],
  ])('an invalid answer (%s) is a HandshakeError, never a throw', async (answer, reason) => {
    scripted = await scriptedServer((peer) =>
      peer.socket.write(switching(peer, [`Sec-WebSocket-Extensions: ${answer}`])),
    );
    const error = await connect(scripted.url).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(HandshakeError);
    expect((error as HandshakeError).kind).toBe('invalid-extensions');
    expect((error as HandshakeError).status).toBe(101);
    expect((error as HandshakeError).message).toMatch(reason);
    await until(() => scripted!.connections === 1);
    await scripted.close();
    scripted = undefined;
  });

  it('bad options throw at once', () => {
    expect(() =>
      connect('ws://127.0.0.1:1/', { perMessageDeflate: { serverMaxWindowBits: 20 } }),
    ).toThrow(
      /connect: perMessageDeflate: serverMaxWindowBits must be an integer from 8 to 15, got 20/,
    );
    expect(() => connect('ws://127.0.0.1:1/', { perMessageDeflate: 'yes' as never })).toThrow(
      TypeError,
    );
    expect(() => connect('ws://127.0.0.1:1/', { perMessageDeflate: { threshold: -1 } })).toThrow(
      RangeError,
    );
  });
});

/** A Python with the `websockets` package (Debian: python3-websockets), or undefined. */
function findPython(): string | undefined {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import websockets'], { encoding: 'utf8' }).status === 0) {
      return python;
    }
  }
  return undefined;
}

const python = findPython();
if (python === undefined) {
  console.log(
    'permessage-deflate interop-python: skipped: python3 with websockets is not installed',
  );
}

/** Echo server with websockets' default compression; exits when stdin closes or after 120 s. */
const PYTHON_SERVER = `
import asyncio, sys, threading, os, websockets
threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
threading.Timer(120, lambda: os._exit(0)).start()
async def echo(ws, path=None):
    try:
        async for message in ws:
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass
async def main():
    async with websockets.serve(echo, '127.0.0.1', 0, max_size=2**24) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()
asyncio.run(main())
`;

describe.skipIf(python === undefined)('permessage-deflate with a Python websockets server', () => {
  let child: ChildProcess;
  let url = '';
  beforeAll(async () => {
    child = spawn(python!, ['-c', PYTHON_SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString().trim()));
      child.once('exit', (code) => reject(new Error(`the Python server exited with ${code}`)));
    });
    url = `ws://127.0.0.1:${port}/`;
  });
  afterAll(() => {
    child?.stdin?.end();
    child?.kill();
  });

  it('negotiates 12-bit windows and echoes compressed messages', async () => {
    const conn = await connect(url, { perMessageDeflate: { threshold: 0 } });
    const header = conn.response.headers.find(
      ([name]) => name.toLowerCase() === 'sec-websocket-extensions',
    )?.[1];
    expect(header).toBe('permessage-deflate; server_max_window_bits=12; client_max_window_bits=12');
    for (const message of [json(1000), 'a', '', json(3)]) {
      await conn.sendText(message);
      expect(await conn.receive()).toEqual({ type: 'text', data: message });
    }
    const binary = new Uint8Array(100_000).map((_, i) => (i * 13) & 0xff);
    await conn.sendBinary(binary);
    expect(await conn.receive()).toEqual({ type: 'binary', data: binary });
    await conn.close();
  });
});
