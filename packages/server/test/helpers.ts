import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { encodeFrame, type Frame, FrameDecoder, Opcode } from '@ws/frame';
import { WebSocketServer, type WebSocketServerOptions } from '../src/index.js';

export const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
export const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

/** A standalone server on an ephemeral loopback port. */
export async function listen(
  options: Omit<WebSocketServerOptions, 'port' | 'server' | 'noServer'> = {},
): Promise<{ wss: WebSocketServer; port: number }> {
  const wss = new WebSocketServer({ ...options, port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  const address = wss.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return { wss, port: address.port };
}

/** A request head for a WebSocket upgrade, with `overrides` replacing (or, when null, dropping) headers. */
export function upgradeHead(
  path = '/',
  overrides: Record<string, string | null> = {},
  method = 'GET',
): string {
  const headers: Record<string, string | null> = {
    Host: 'localhost',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': KEY,
    'Sec-WebSocket-Version': '13',
    ...overrides,
  };
  let head = `${method} ${path} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers))
    if (value !== null) head += `${name}: ${value}\r\n`;
  return `${head}\r\n`;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Everything after the head (frames, for a 101). */
  rest: Buffer;
}

/** Reads a response head from `socket`; resolves once the head (and, for a refusal, the close) arrived. */
export function readResponse(socket: Socket): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let buffer = Buffer.alloc(0);
    let parsed: RawResponse | undefined;
    const onData = (chunk: Buffer): void => {
      buffer = Buffer.concat([buffer, chunk]);
      if (parsed === undefined) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const lines = buffer.subarray(0, end).toString('latin1').split('\r\n');
        const headers: Record<string, string> = {};
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':');
          headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
        }
        parsed = {
          status: Number(lines[0]!.split(' ')[1]),
          headers,
          body: '',
          rest: buffer.subarray(end + 4),
        };
        if (parsed.status === 101) {
          socket.off('data', onData);
          socket.off('close', onClose);
          socket.pause();
          if (parsed.rest.length > 0) socket.unshift(parsed.rest);
          resolve(parsed);
        }
      }
    };
    const onClose = (): void => {
      if (parsed === undefined) {
        reject(new Error(`closed before a response head (${buffer.length} bytes)`));
        return;
      }
      const end = buffer.indexOf('\r\n\r\n');
      parsed.body = buffer.subarray(end + 4).toString('utf8');
      resolve(parsed);
    };
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', () => {});
  });
}

export async function rawConnect(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await once(socket, 'connect');
  return socket;
}

/** Sends `request` on a fresh socket and reads the answer (for a refusal: until the server closes). */
export async function rawRequest(port: number, request: string | Buffer): Promise<RawResponse> {
  const socket = await rawConnect(port);
  const response = readResponse(socket);
  socket.write(request);
  const result = await response;
  socket.destroy();
  return result;
}

/** A raw client: handshake done, frames read with @ws/frame. */
export class RawClient {
  readonly frames: Frame[] = [];
  private waiters: (() => void)[] = [];
  closed = false;

  private readonly decoder = new FrameDecoder(
    { role: 'client' },
    {
      onFrame: (frame) => this.frames.push(frame),
      onError: (error) => {
        throw error;
      },
    },
  );

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.decoder.push(new Uint8Array(chunk));
      for (const waiter of this.waiters.splice(0)) waiter();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const waiter of this.waiters.splice(0)) waiter();
    });
    socket.resume();
  }

  send(opcode: number, payload: Uint8Array | string, fin = true): void {
    const data = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
    this.socket.write(encodeFrame({ opcode, payload: data, fin }, { mask: true }));
  }

  /** Resolves once `count` frames arrived (or the socket closed). */
  async waitFrames(count: number): Promise<Frame[]> {
    while (this.frames.length < count && !this.closed) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.frames;
  }

  async waitClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }
}

export async function rawClient(
  port: number,
  path = '/',
  overrides: Record<string, string | null> = {},
) {
  const socket = await rawConnect(port);
  const response = readResponse(socket);
  socket.write(upgradeHead(path, overrides));
  const head = await response;
  if (head.status !== 101) throw new Error(`expected 101, got ${head.status}`);
  return { client: new RawClient(socket), response: head };
}

export const text = (frame: Frame): string => new TextDecoder().decode(frame.payload);
export { Opcode };
