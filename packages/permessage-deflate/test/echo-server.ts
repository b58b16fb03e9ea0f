import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  acceptResponse,
  type ExtensionOffer,
  rejectResponse,
  validateRequest,
} from '@ws/handshake';
import type { Connection } from '@ws/protocol';
import { fromSocket } from '@ws/protocol/node';
import { type DeflateOptions, negotiateServer } from '../src/extension.js';

/** What a negotiation gives the handshake: the response element and its formatted header. */
interface Negotiated {
  header: string;
  response: ExtensionOffer;
}

/**
 * The handshake `@ws/server` does: validate, negotiate with `negotiate`, answer 101 with the
 * response element (its header is recorded in `seen`); undefined when the request was refused.
 */
export function acceptWith<T extends Negotiated>(
  req: http.IncomingMessage,
  socket: Socket,
  seen: string[],
  negotiate: (offers: readonly ExtensionOffer[]) => T | null,
): { deflate: T | null } | undefined {
  const result = validateRequest({
    method: req.method ?? '',
    httpVersion: req.httpVersion,
    url: req.url ?? '',
    headers: req.rawHeaders,
  });
  if (!result.ok) {
    socket.end(rejectResponse(result.rejection.status, result.rejection));
    return undefined;
  }
  const deflate = negotiate(result.handshake.extensions);
  seen.push(deflate?.header ?? '');
  socket.write(
    acceptResponse({
      key: result.handshake.key,
      extensions: deflate === null ? [] : [deflate.response],
    }),
  );
  return { deflate };
}

/** Echoes every message back as it came. */
export function echo(conn: Connection): void {
  conn.on('message', (message) => {
    if (message.type === 'text') void conn.sendText(message.data).catch(() => {});
    else void conn.sendBinary(message.data).catch(() => {});
  });
}

/** `acceptWith` and a connection running the node:zlib extension, echoing; 1 MiB message limit. */
export function echoServer(options: boolean | DeflateOptions, seen: string[]): http.Server {
  const server = http.createServer();
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    const accepted = acceptWith(req, socket, seen, (offers) => negotiateServer(offers, options));
    if (accepted === undefined) return;
    const { deflate } = accepted;
    echo(
      fromSocket(socket, {
        role: 'server',
        head,
        extensions: deflate === null ? [] : [deflate.extension],
        limits: { maxMessageSize: 1 << 20 },
      }),
    );
  });
  return server;
}

export async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
