import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { type EchoServer, isServerProcess, serveControl } from '../control.js';

export const server: EchoServer = {
  name: 'node:net floor',
  role: 'reference',
  runtime: 'node',
  order: 0,
  description:
    'plain node:net: answers the opening handshake, then writes every received chunk back unchanged — the masked client frames return as they came (the load generator counts masked and unmasked frames alike), so this is the cost of the socket I/O alone, with no WebSocket work',
};

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

if (isServerProcess()) {
  const tcp = createServer({ noDelay: true }, (socket) => {
    let head = Buffer.alloc(0);
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
      const rest = head.subarray(end + 4);
      if (rest.length > 0) socket.write(rest);
      socket.on('data', (data: Buffer) => socket.write(data));
    };
    socket.on('data', onHead);
    socket.on('error', () => socket.destroy());
  });
  tcp.listen(0, '127.0.0.1', () => {
    const address = tcp.address();
    serveControl(typeof address === 'object' && address !== null ? address.port : 0, () =>
      tcp.close(),
    );
  });
}
