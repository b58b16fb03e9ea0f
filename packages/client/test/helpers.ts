import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { encodeClose, encodeFrame, type Frame, FrameDecoder, Opcode } from '@ws/frame';
import { acceptKey, HeadReader, type ParsedRequestHead } from '@ws/handshake';

/** What a scripted server saw of one client. */
export interface Peer {
  socket: Socket;
  request: ParsedRequestHead;
  /** The request's headers by lowercase name (last line wins). */
  header(name: string): string | undefined;
  /** The value `Sec-WebSocket-Accept` must have for this request. */
  accept: string;
}

export interface ScriptedServer {
  url: string;
  port: number;
  /** TCP connections accepted so far (whether or not a request head arrived). */
  connections: number;
  /** Request heads received, in order. */
  requests: ParsedRequestHead[];
  /** Raw bytes received on every connection, in order. */
  received: Buffer[];
  close(): Promise<void>;
}

/**
 * A raw TCP server that reads one HTTP request head per connection and hands the socket to
 * `script`, which writes whatever bytes the test wants — valid or not.
 */
export async function scriptedServer(script: (peer: Peer) => unknown): Promise<ScriptedServer> {
  const sockets = new Set<Socket>();
  const state: ScriptedServer = {
    url: '',
    port: 0,
    connections: 0,
    requests: [],
    received: [],
    close: async () => {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
  const server: Server = createServer((socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.setNoDelay(true);
    const reader = new HeadReader('request');
    const onData = (chunk: Buffer): void => {
      state.received.push(chunk);
      const result = reader.push(chunk);
      if (result.state === 'incomplete') return;
      socket.off('data', onData);
      if (result.state === 'error') {
        socket.destroy();
        return;
      }
      const request = result.head;
      state.requests.push(request);
      const header = (name: string): string | undefined =>
        [...request.headers].reverse().find(([n]) => n.toLowerCase() === name)?.[1];
      void script({
        socket,
        request,
        header,
        accept: acceptKey(header('sec-websocket-key') ?? ''),
      });
    };
    socket.on('data', onData);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  state.port = typeof address === 'object' && address !== null ? address.port : 0;
  state.url = `ws://127.0.0.1:${state.port}/`;
  return state;
}

/** A 101 response for `peer`, with extra header lines. */
export function switching(peer: Peer, extra: string[] = []): string {
  return [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${peer.accept}`,
    ...extra,
    '',
    '',
  ].join('\r\n');
}

const encoder = new TextEncoder();

/** An unmasked server frame. */
export function serverFrame(opcode: number, payload: Uint8Array | string, fin = true): Uint8Array {
  return encodeFrame(
    { opcode, payload: typeof payload === 'string' ? encoder.encode(payload) : payload, fin },
    { mask: false },
  );
}

export function closeFrame(code: number, reason = ''): Uint8Array {
  return serverFrame(Opcode.Close, encodeClose(code, reason));
}

/** Collects the (masked) frames a client sends on `socket` after the handshake. */
export function clientFrames(socket: Socket): { frames: Frame[]; errors: unknown[] } {
  const out = { frames: [] as Frame[], errors: [] as unknown[] };
  const decoder = new FrameDecoder(
    { role: 'server' },
    {
      onFrame: (frame) => out.frames.push(frame),
      onError: (error) => out.errors.push(error),
    },
  );
  socket.on('data', (chunk: Buffer) => decoder.push(new Uint8Array(chunk)));
  return out;
}

/** Resolves when `predicate` holds, polling; a hang guard, not a timing assertion. */
export async function until(
  predicate: () => boolean,
  what = 'condition',
  limitMs = 5000,
): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
