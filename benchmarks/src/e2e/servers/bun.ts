import { execFile } from 'node:child_process';
import { type EchoServer, isServerProcess, serveControl } from '../control.js';

/** The Bun binary, found once through npx (the npm `bun` package ships it). */
let bunPath: Promise<string | { error: string }> | undefined;

export function findBun(): Promise<string | { error: string }> {
  bunPath ??= new Promise((resolve) => {
    execFile(
      'npx',
      [
        '--no-update-notifier',
        '--loglevel=error',
        '-y',
        'bun',
        '-e',
        'console.log(process.execPath)',
      ],
      { timeout: 60_000 },
      (error, stdout) => {
        const path = stdout.trim().split('\n').at(-1) ?? '';
        resolve(
          error || path === ''
            ? { error: `bun not available: ${error?.message.split('\n')[0] ?? 'no path'}` }
            : path,
        );
      },
    );
  });
  return bunPath;
}

export const server: EchoServer = {
  name: 'Bun.serve',
  role: 'reference',
  runtime: 'bun',
  order: 20,
  description:
    "Bun's built-in WebSocket server (uWebSockets inside), echoing every message back; broadcasts with `server.publish(topic, data)`, every client subscribed",
  async unavailable() {
    const found = await findBun();
    return typeof found === 'string' ? undefined : found.error;
  },
};

interface BunLike {
  serve(options: unknown): {
    port: number;
    stop(force?: boolean): void;
    publish(topic: string, data: Uint8Array): number;
  };
}

interface BunSocket {
  send(data: unknown): void;
  subscribe(topic: string): void;
}

/** Every client joins this topic; a broadcast is one `publish` to it. */
const TOPIC = 'all';

if (isServerProcess()) {
  const bun = (globalThis as { Bun?: BunLike }).Bun;
  if (bun === undefined) throw new Error('servers/bun.ts must run under Bun');
  let open = 0;
  const instance = bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(request: Request, srv: { upgrade(request: Request): boolean }) {
      return srv.upgrade(request)
        ? undefined
        : new Response('expected a WebSocket upgrade', { status: 426 });
    },
    websocket: {
      maxPayloadLength: 64 * 1024 * 1024,
      perMessageDeflate: false,
      open(socket: BunSocket) {
        open++;
        socket.subscribe(TOPIC);
      },
      close() {
        open--;
      },
      message(socket: BunSocket, message: unknown) {
        socket.send(message);
      },
    },
  });
  serveControl(
    instance.port,
    () => instance.stop(true),
    (data) => {
      // Bun's native broadcast (uWebSockets topics): one call, the fan-out is native code.
      instance.publish(TOPIC, data);
      return open;
    },
  );
}
