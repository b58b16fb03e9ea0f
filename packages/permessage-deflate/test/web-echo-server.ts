import http from 'node:http';
import type { Socket } from 'node:net';
import { fromStreams } from '@ws/protocol/streams';
import { negotiateWebServer, type WebDeflateOptions } from '../src/web-extension.js';
import { acceptWith, echo } from './echo-server.js';

/**
 * A socket as the Web Streams pair `fromStreams` takes (what a Deno/Bun/browser-side transport
 * would hand over), with the bytes read past the handshake first. Counts the bytes read.
 */
export function socketStreams(socket: Socket, head: Uint8Array) {
  const counter = { read: head.length };
  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head.length > 0) controller.enqueue(head);
      socket.on('data', (chunk: Buffer) => {
        counter.read += chunk.length;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
      });
      socket.on('end', () => controller.close());
      socket.on('error', (error) => controller.error(error));
    },
    cancel() {
      socket.destroy();
    },
  });
  const writable = new WritableStream<Uint8Array>({
    write(chunk) {
      return new Promise<void>((resolve, reject) =>
        socket.write(chunk, (error) => (error ? reject(error) : resolve())),
      );
    },
    close() {
      socket.end();
    },
    abort() {
      socket.destroy();
    },
  });
  return { readable, writable, counter };
}

/**
 * The wiring a Deno or Bun server would do with the web path: validate, negotiate, answer 101,
 * then a connection over the socket's Web Streams. Echoes every message; 1 MiB message limit.
 */
export function webEchoServer(
  options: WebDeflateOptions,
  seen: string[],
  sockets: Set<Socket>,
): http.Server {
  const server = http.createServer();
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    sockets.add(socket);
    const accepted = acceptWith(req, socket, seen, (offers) => negotiateWebServer(offers, options));
    if (accepted === undefined) return;
    const { deflate } = accepted;
    const streams = socketStreams(socket, new Uint8Array(head));
    echo(
      fromStreams(streams.readable, streams.writable, {
        role: 'server',
        extensions: deflate === null ? [] : [deflate.extension],
        limits: { maxMessageSize: 1 << 20 },
      }),
    );
  });
  return server;
}
