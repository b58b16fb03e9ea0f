/**
 * `@ws/client`'s WHATWG `WebSocket` class runs the same browser-style scenario as Chromium, Node
 * 24 and ws (peers/whatwg-client.mjs), against servers nobody here wrote.
 */
import { loadClient } from '../targets/ours.js';
import { WS_VERSION } from '../targets/ws.js';
import { bunUnavailable, startBunServer } from './bun.js';
import { runScenario } from './peers/whatwg-client.mjs';
import { pythonUnavailable, startPythonServer } from './python.js';
import { type Check, isClientClose, type Pairing } from './types.js';
import { startWsInteropServer } from './ws.js';

async function oursWebSocket(): Promise<unknown> {
  const module = await loadClient();
  if (typeof module === 'string') throw new Error(module);
  const WebSocket = (module as unknown as { WebSocket?: unknown }).WebSocket;
  if (typeof WebSocket !== 'function') throw new Error('@ws/client does not export WebSocket');
  return WebSocket;
}

async function waitFor(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

export const oursWebSocketToWsServer: Pairing = {
  id: 'ours-websocket-class→ws-server',
  title: '@ws/client WebSocket class → ws server',
  unavailable: async () => undefined,
  async run() {
    const WebSocket = await oursWebSocket();
    const server = await startWsInteropServer();
    try {
      const checks: Check[] = await runScenario(WebSocket, `ws://127.0.0.1:${server.port}`);
      const received = () =>
        server.closes.some((close) =>
          isClientClose(JSON.stringify({ close: close.code, reason: close.reason })),
        );
      await waitFor(received);
      checks.push({
        name: 'ws server received the client close 4000 with its reason',
        ok: received(),
        detail: JSON.stringify(server.closes),
      });
      return { checks, runtime: `ws ${WS_VERSION}` };
    } finally {
      await server.stop();
    }
  },
};

function processPairing(
  id: string,
  title: string,
  unavailable: () => Promise<string | undefined>,
  start: () => Promise<{ port: number; lines: string[]; stop(): void }>,
): Pairing {
  return {
    id,
    title,
    unavailable,
    async run() {
      const WebSocket = await oursWebSocket();
      const server = await start();
      try {
        const checks: Check[] = await runScenario(WebSocket, `ws://127.0.0.1:${server.port}`);
        await waitFor(() => server.lines.some(isClientClose));
        checks.push({
          name: 'the server received the client close 4000 with its reason',
          ok: server.lines.some(isClientClose),
          detail: server.lines.join(' '),
        });
        return { checks, runtime: title.split('→ ')[1] };
      } finally {
        server.stop();
      }
    },
  };
}

export const oursWebSocketToPythonServer = processPairing(
  'ours-websocket-class→python-websockets',
  '@ws/client WebSocket class → Python websockets server',
  pythonUnavailable,
  startPythonServer,
);

export const oursWebSocketToBunServer = processPairing(
  'ours-websocket-class→bun-server',
  '@ws/client WebSocket class → Bun.serve',
  bunUnavailable,
  startBunServer,
);
