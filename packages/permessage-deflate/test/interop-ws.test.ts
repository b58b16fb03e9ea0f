import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { echoServer, listen } from './echo-server.js';

function open(
  url: string,
  perMessageDeflate: WebSocket.PerMessageDeflateOptions | boolean,
): Promise<WebSocket> {
  const ws = new WebSocket(url, { perMessageDeflate });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function echo(ws: WebSocket, data: string | Buffer): Promise<WebSocket.RawData> {
  return new Promise((resolve) => {
    ws.once('message', (reply) => resolve(reply));
    ws.send(data);
  });
}

const json = (n: number): string =>
  JSON.stringify(
    Array.from({ length: n }, (_, i) => ({ id: i, text: `message ${i}`, ok: i % 2 === 0 })),
  );

describe('interop with ws (perMessageDeflate on both sides)', () => {
  const seen: string[] = [];
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = echoServer({ threshold: 0 }, seen);
    url = await listen(server);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each<[string, WebSocket.PerMessageDeflateOptions | boolean, string]>([
    ['defaults', true, 'permessage-deflate'],
    [
      'no context takeover both ways',
      { serverNoContextTakeover: true, clientNoContextTakeover: true },
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
    ],
    [
      'small windows',
      { serverMaxWindowBits: 9, clientMaxWindowBits: 10 },
      'permessage-deflate; server_max_window_bits=9; client_max_window_bits=10',
    ],
    [
      'client window 8 (node:zlib compresses with 9; we inflate with 9)',
      { clientMaxWindowBits: 8 },
      'permessage-deflate; client_max_window_bits=8',
    ],
    [
      'window 8 (we send uncompressed)',
      { serverMaxWindowBits: 8 },
      'permessage-deflate; server_max_window_bits=8',
    ],
  ])('%s: echoes compressed text and binary, in order', async (_, options, header) => {
    const ws = await open(url, { threshold: 0, ...(options === true ? {} : options) });
    expect(ws.extensions).toContain('permessage-deflate');
    expect(seen.at(-1)).toBe(header);
    const messages = [json(200), 'x', json(10), '', json(500)];
    for (const message of messages) expect(String(await echo(ws, message))).toBe(message);
    const binary = Buffer.alloc(100_000, 'abc');
    expect(Buffer.compare(Buffer.from((await echo(ws, binary)) as Buffer), binary)).toBe(0);
    ws.close();
  });

  it('a ws client sending a message that inflates past the limit is closed with 1009', async () => {
    const ws = await open(url, true);
    const code = await new Promise<number>((resolve) => {
      ws.once('close', (closeCode) => resolve(closeCode));
      ws.send(Buffer.alloc(2 << 20)); // 2 MiB of zeros: about 2 KiB compressed, limit 1 MiB
    });
    expect(code).toBe(1009);
  });

  it('without perMessageDeflate on the ws side nothing is negotiated', async () => {
    const ws = await open(url, false);
    expect(ws.extensions).toBe('');
    expect(String(await echo(ws, json(50)))).toBe(json(50));
    ws.close();
  });
});
