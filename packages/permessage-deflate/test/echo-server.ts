import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { acceptResponse, rejectResponse, validateRequest } from '@ws/handshake';
import { fromSocket } from '@ws/protocol/node';
import { type DeflateOptions, negotiateServer } from '../src/extension.js';

/**
 * The server wiring `@ws/server` does: validate, negotiate, answer 101 with the response element,
 * run the extension in the connection. Echoes every message.
 */
export function echoServer(options: boolean | DeflateOptions, seen: string[]): http.Server {
  const server = http.createServer();
  server.on('upgrade', (req, socket, head) => {
    const result = validateRequest({
      method: req.method ?? '',
      httpVersion: req.httpVersion,
      url: req.url ?? '',
      headers: req.rawHeaders,
    });
    if (!result.ok) {
      socket.end(rejectResponse(result.rejection.status, result.rejection));
      return;
    }
    const deflate = negotiateServer(result.handshake.extensions, options);
    seen.push(deflate?.header ?? '');
    socket.write(
      acceptResponse({
        key: result.handshake.key,
        extensions: deflate === null ? [] : [deflate.response],
      }),
    );
    const conn = fromSocket(socket as Socket, {
      role: 'server',
      head,
      extensions: deflate === null ? [] : [deflate.extension],
      limits: { maxMessageSize: 1 << 20 },
    });
    conn.on('message', (message) => {
      if (message.type === 'text') void conn.sendText(message.data).catch(() => {});
      else void conn.sendBinary(message.data).catch(() => {});
    });
  });
  return server;
}

export async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
