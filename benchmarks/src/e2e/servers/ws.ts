import WebSocket, { WebSocketServer } from 'ws';
import { type EchoServer, isServerProcess, serveControl } from '../control.js';

export const server: EchoServer = {
  name: 'ws',
  role: 'reference',
  runtime: 'node',
  order: 10,
  description:
    'ws WebSocketServer with bufferutil, echoing every message back as it came (binary); broadcasts with a `send` loop over `wss.clients`',
};

if (isServerProcess()) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024 * 1024 });
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
  });
  wss.on('listening', () => {
    const address = wss.address();
    serveControl(
      typeof address === 'object' && address !== null ? address.port : 0,
      () => wss.close(),
      (data) => {
        // ws has no broadcast of its own: its README's way is a send loop over `wss.clients`,
        // which frames (and queues) the message once per client.
        let sent = 0;
        for (const client of wss.clients) {
          if (client.readyState !== WebSocket.OPEN) continue;
          client.send(data, { binary: true });
          sent++;
        }
        return sent;
      },
    );
  });
}
