import { WebSocketServer } from '@ws/server';
import { type EchoServer, isServerProcess, serveControl } from '../control.js';

export const server: EchoServer = {
  name: 'ours',
  role: 'ours',
  runtime: 'node',
  order: 5,
  description:
    '@ws/server (bufferutil installed), echoing every message back as it came; broadcasts with `wss.broadcast(data)`',
};

if (isServerProcess()) {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    limits: { maxMessageSize: 64 * 1024 * 1024 },
  });
  wss.on('connection', (connection) => {
    // Event listeners rather than a for-await loop: the cheapest path, as ws's listener is.
    connection.on('message', (message) => {
      if (message.type === 'text') void connection.sendText(message.data);
      else void connection.sendBinary(message.data);
    });
  });
  wss.on('listening', () => {
    const address = wss.address();
    serveControl(
      typeof address === 'object' && address !== null ? address.port : 0,
      () => wss.close(),
      // The package's own broadcast: the frame is encoded once and written to every client.
      (data) => wss.broadcast(data),
    );
  });
}
