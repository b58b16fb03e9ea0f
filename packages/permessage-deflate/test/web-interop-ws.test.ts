import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { formatExtensions, generateKey, validateResponse } from '@ws/handshake';
import type { Connection } from '@ws/protocol';
import { fromStreams } from '@ws/protocol/streams';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { negotiateWebClient, webClientOffer } from '../src/web-extension.js';
import { socketStreams, webEchoServer } from './web-echo-server.js';

const json = (n: number): string =>
  JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: i, text: `message ${i}`, ok: true })));

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function listen(server: http.Server | WebSocketServer): Promise<number> {
  return new Promise((resolve) => {
    const onListening = (): void => {
      resolve((server.address() as AddressInfo).port);
    };
    if (server instanceof http.Server) server.listen(0, '127.0.0.1', onListening);
    else server.once('listening', onListening);
  });
}

/** The web-path client: handshake over node:http, then a Protocol over `fromStreams`. */
async function webClient(port: number, limits?: { maxMessageSize: number }) {
  const key = generateKey();
  const offer = webClientOffer()!;
  const { response, socket, head } = await new Promise<{
    response: http.IncomingMessage;
    socket: Socket;
    head: Buffer;
  }>((resolve, reject) => {
    const request = http.request({
      host: '127.0.0.1',
      port,
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Key': key,
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Extensions': formatExtensions([offer]),
      },
    });
    request.on('upgrade', (res, sock, rest) =>
      resolve({ response: res, socket: sock, head: rest }),
    );
    request.on('error', reject);
    request.end();
  });
  const checked = validateResponse(
    { status: response.statusCode ?? 0, headers: response.rawHeaders },
    { key, extensions: ['permessage-deflate'] },
  );
  if (!checked.ok) throw new Error(checked.error.message);
  const deflate = negotiateWebClient(checked.extensions);
  if (!deflate.ok) throw new Error(deflate.reason);
  const streams = socketStreams(socket, new Uint8Array(head));
  const conn = fromStreams(streams.readable, streams.writable, {
    role: 'client',
    extensions: deflate.extension === null ? [] : [deflate.extension],
    ...(limits === undefined ? {} : { limits }),
  });
  cleanups.push(() => {
    socket.destroy();
  });
  return { conn, header: response.headers['sec-websocket-extensions'], counter: streams.counter };
}

async function nextText(conn: Connection): Promise<string> {
  const message = await conn.receive();
  if ('type' in message && message.type === 'text') return message.data;
  throw new Error(`expected text, got ${String(message)}`);
}

describe('web path against ws (perMessageDeflate on both sides, over TCP)', () => {
  it('our web-path client ↔ a ws server: echoes, compressed both ways', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: true });
    let serverBytesRead = 0;
    server.on('connection', (ws, request) => {
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      ws.on('close', () => {
        serverBytesRead = request.socket.bytesRead;
      });
    });
    const port = await listen(server);
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { conn, header, counter } = await webClient(port);
    expect(header).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
    );
    const messages = [json(300), 'x', json(10), '', json(2000)];
    let sent = 0;
    for (const message of messages) {
      sent += message.length;
      await conn.sendText(message);
      expect(await nextText(conn)).toBe(message);
    }
    const binary = new Uint8Array(100_000).fill(42);
    await conn.sendBinary(binary);
    const reply = await conn.receive();
    expect(reply).toEqual({ type: 'binary', data: binary });
    sent += binary.length;
    // Both directions went compressed: far fewer bytes on the socket than payload.
    expect(counter.read).toBeLessThan(sent / 4);
    await conn.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(serverBytesRead).toBeGreaterThan(0);
    expect(serverBytesRead).toBeLessThan(sent / 4);
  });

  it('a ws client ↔ our web-path server (the wiring a Deno/Bun server would do)', async () => {
    const seen: string[] = [];
    const sockets = new Set<Socket>();
    const server = webEchoServer({ threshold: 0 }, seen, sockets);
    const port = await listen(server);
    cleanups.push(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
    for (const perMessageDeflate of [
      { threshold: 0 },
      { threshold: 0, serverMaxWindowBits: 10, clientMaxWindowBits: 9 },
    ]) {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate });
      await new Promise((resolve, reject) => {
        ws.once('open', resolve);
        ws.once('error', reject);
      });
      cleanups.push(() => ws.terminate());
      expect(ws.extensions).toBe('permessage-deflate');
      const sockets0 = sockets.size;
      const messages = [json(200), 'x', '', json(5)];
      for (const message of messages) {
        const reply = await new Promise<string>((resolve) => {
          ws.once('message', (data) => resolve(String(data)));
          ws.send(message);
        });
        expect(reply).toBe(message);
      }
      if (perMessageDeflate.serverMaxWindowBits === undefined) {
        // Our replies went compressed: the socket wrote far less than the payload (and the 101).
        const socket = [...sockets][sockets0 - 1]!;
        const payload = messages.reduce((n, message) => n + message.length, 0);
        expect(socket.bytesWritten).toBeLessThan(payload / 3);
      }
      // 2 MiB of zeros, about 2 KiB compressed, against a 1 MiB limit.
      const code = await new Promise<number>((resolve) => {
        ws.once('close', (closeCode) => resolve(closeCode));
        ws.send(Buffer.alloc(2 << 20));
      });
      expect(code).toBe(1009);
    }
    expect(seen).toEqual([
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9',
    ]);
  });

  it('a message past the limit from a ws server closes our web-path client with 1009', async () => {
    const server = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: true });
    server.on('connection', (ws) => ws.send(Buffer.alloc(2 << 20)));
    const port = await listen(server);
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { conn } = await webClient(port, { maxMessageSize: 1 << 20 });
    const result = await conn.receive();
    expect(result).toMatchObject({ kind: 'message-too-large', closeCode: 1009 });
  });
});
