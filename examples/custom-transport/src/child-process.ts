// Part 2: a child process's stdio as the transport. The child (child.ts) runs the server end
// over a hand-written Transport; here its pipes become WHATWG streams for @ws/protocol/streams.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CloseMessage } from '@ws/protocol';
import { fromStreams } from '@ws/protocol/streams';

export async function childProcessDemo(log: (line: string) => void = console.log): Promise<{
  replies: string[];
  close: CloseMessage;
  exitCode: number | null;
}> {
  log("child process: a WebSocket over the child's stdin/stdout");
  // The same loader flags as this process (e.g. --import tsx), so the child runs TypeScript too.
  const child = spawn(
    process.execPath,
    [...process.execArgv, fileURLToPath(new URL('./child.ts', import.meta.url))],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  const exited = once(child, 'exit');
  const conn = fromStreams(
    Readable.toWeb(child.stdout) as ReadableStream<Uint8Array>,
    Writable.toWeb(child.stdin) as WritableStream<Uint8Array>,
    { role: 'client' },
  );

  conn.on('pong', (data) => log(`  pong: ${new TextDecoder().decode(data)}`));
  await conn.ping('ping over a pipe');
  await conn.sendText('hello, child process');
  await conn.sendBinary(new Uint8Array([1, 2, 3, 4]));
  await conn.sendText('a long message, sent in fragments. '.repeat(100), { fragmentSize: 512 });

  const replies: string[] = [];
  for (let i = 0; i < 3; i++) {
    const message = await conn.receive();
    if (message instanceof Error || message.type === 'close')
      throw new Error(`unexpected ${String(message)}`);
    const shown =
      message.type === 'text'
        ? `${message.data.slice(0, 36)}… (${message.data.length} chars)`
        : `[${message.data.join(', ')}]`;
    replies.push(message.type === 'text' ? message.data : `[${message.data.join(', ')}]`);
    log(`  received ${message.type}: ${shown}`);
  }

  const close = await conn.close(1000, 'bye');
  log(`  closed: code ${close.code}, clean ${close.wasClean}`);
  await exited;
  log(`  child exited with code ${child.exitCode}`);
  return { replies, close, exitCode: child.exitCode };
}
