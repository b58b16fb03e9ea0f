import { startChat } from './chat.js';

/** The port from `--port N` / `--port=N`, else $PORT, else 8080. */
function portFrom(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  let value: string | undefined = env.PORT || undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--port') value = argv[i + 1];
    else if (arg.startsWith('--port=')) value = arg.slice('--port='.length);
  }
  const port = Number(value ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`invalid port: ${value}`);
    process.exit(2);
  }
  return port;
}

const chat = await startChat({
  port: portFrom(process.argv.slice(2), process.env),
  host: process.env.HOST ?? '127.0.0.1',
});
console.log(`chat listening on ${chat.url} (WebSocket endpoint ${chat.url}ws); Ctrl-C to stop`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) {
      // A second Ctrl-C: do not wait for slow clients.
      console.log('stopping now');
      process.exit(1);
    }
    stopping = true;
    console.log(`${signal}: closing ${chat.wss.clients.size} connection(s)…`);
    chat.close().then(
      () => {
        console.log('closed');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}
