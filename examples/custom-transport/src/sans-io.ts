// Part 1: the sans-I/O core. Two Protocol objects talk through plain function calls: bytes
// come out of bytesToSend() and go into receive(); nothing here knows about sockets.
import { decodeFrames, Opcode } from '@ws/frame';
import { type CloseMessage, Protocol } from '@ws/protocol';

const names: Record<number, string> = Object.fromEntries(
  Object.entries(Opcode).map(([name, code]) => [code, name]),
);

/** Moves one side's pending bytes to the other, returning a line per frame on the way. */
function deliver(from: Protocol, to: Protocol, label: string, log: (line: string) => void): void {
  for (const bytes of from.bytesToSend()) {
    // A client's frames are masked, so a server-role decoder reads them, and vice versa.
    const frames = decodeFrames(bytes.slice(), {
      role: from.role === 'client' ? 'server' : 'client',
    });
    if (!Array.isArray(frames)) throw frames;
    for (const frame of frames) {
      log(`  ${label}: ${names[frame.opcode]} fin=${frame.fin} ${frame.payload.length} bytes`);
    }
    to.receive(bytes);
  }
}

/** Runs a short conversation between two Protocols; returns the client's close. */
export function sansIoDemo(log: (line: string) => void = console.log): CloseMessage {
  log('sans-I/O: two Protocol objects and function calls');
  const client = new Protocol({ role: 'client' });
  const server = new Protocol({
    role: 'server',
    onEvent(event) {
      if (event.type === 'text') server.sendText(`echo: ${event.data}`);
      if (event.type !== 'close') log(`  server got ${event.type}`);
    },
  });

  client.sendText('hello over function calls', { fragmentSize: 10 });
  client.ping('are you there?');
  deliver(client, server, 'client → server', log);
  deliver(server, client, 'server → client', log);
  for (const event of client.takeEvents()) {
    if (event.type === 'text') log(`  client got text: ${event.data}`);
    if (event.type === 'pong') log(`  client got pong: ${new TextDecoder().decode(event.data)}`);
  }

  client.close(1000, 'done');
  deliver(client, server, 'client → server', log);
  deliver(server, client, 'server → client', log);
  const close = client.takeEvents().find((event) => event.type === 'close');
  if (close?.type !== 'close') throw new Error('expected the close');
  log(`  closed: code ${close.code}, clean ${close.wasClean}`);
  log(`  the server should close its transport now: ${server.shouldCloseTransport}\n`);
  return close;
}
