// The server end, in a child process: a WebSocket connection over this process's stdin and
// stdout, through the hand-written StdioTransport. Nothing here is TCP.
import { Connection } from '@ws/protocol';
import { StdioTransport } from './stdio-transport.js';

const conn = new Connection(new StdioTransport(process.stdin, process.stdout), { role: 'server' });

conn.on('message', (message) => {
  if (message.type === 'text') void conn.sendText(message.data.toUpperCase());
  else void conn.sendBinary(message.data.slice().reverse());
});

conn.on('close', (close) => {
  // stdout carries the WebSocket; diagnostics go to stderr.
  process.stderr.write(
    `  [child] closed: code ${close.code} "${close.reason}", clean ${close.wasClean}\n`,
  );
});
