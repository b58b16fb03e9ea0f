import { createHash } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { type EchoServer, isServerProcess, serveControl } from '../control.js';

export const server: EchoServer = {
  name: 'node:net floor',
  role: 'reference',
  runtime: 'node',
  order: 0,
  description:
    'plain node:net: answers the opening handshake, then writes every received chunk back unchanged — the masked client frames return as they came (the load generator counts masked and unmasked frames alike), so this is the cost of the socket I/O alone, with no WebSocket work; a Close as the first frame is echoed and the socket ended; a broadcast writes one pre-encoded frame to every socket',
};

const EMPTY = Buffer.alloc(0);
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

if (isServerProcess()) {
  const upgraded = new Set<Socket>();
  const tcp = createServer({ noDelay: true }, (socket) => {
    let head = Buffer.alloc(0);
    const echo = (data: Buffer) => socket.write(data);
    const first = (data: Buffer) => {
      socket.off('data', first);
      socket.write(data);
      // A Close as the very first frame (the handshake workload): echoed, and then the server
      // closes the TCP connection first (RFC 6455 §7.1.1: the server SHOULD). Only the first
      // chunk is looked at, so echo runs pay nothing for it.
      if (data[0] === 0x88) socket.end();
      else socket.on('data', echo);
    };
    const onHead = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onHead);
      const key =
        /sec-websocket-key:\s*(\S+)/i.exec(head.subarray(0, end).toString('latin1'))?.[1] ?? '';
      // RFC 6455 §4.2.2: Sec-WebSocket-Accept = base64(SHA-1(key + GUID)).
      const accept = createHash('sha1')
        .update(key + GUID)
        .digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      upgraded.add(socket);
      const rest = head.subarray(end + 4);
      // Not kept while the connection idles: a floor holds nothing it does not need.
      head = EMPTY;
      if (rest.length > 0) first(rest);
      else socket.on('data', first);
    };
    socket.on('data', onHead);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => upgraded.delete(socket));
  });
  tcp.listen(0, '127.0.0.1', () => {
    const address = tcp.address();
    serveControl(
      typeof address === 'object' && address !== null ? address.port : 0,
      () => tcp.close(),
      (data) => {
        // The floor of any broadcast: one frame encoded once (RFC 6455 §5.2, FIN + binary,
        // unmasked as §5.1 requires of a server), the same bytes written to every socket.
        const frame = Buffer.concat([frameHeader(data.length), data]);
        for (const socket of upgraded) socket.write(frame);
        return upgraded.size;
      },
    );
  });
}

/** A final binary frame's unmasked header for a payload of `length` bytes (RFC 6455 §5.2). */
function frameHeader(length: number): Buffer {
  if (length < 126) return Buffer.from([0x82, length]);
  if (length < 0x10000) return Buffer.from([0x82, 126, length >>> 8, length & 0xff]);
  const header = Buffer.alloc(10);
  header[0] = 0x82;
  header[1] = 127;
  header.writeUIntBE(length, 4, 6);
  return header;
}
