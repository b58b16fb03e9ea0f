/** Interop with `ws` (its WebSocket client against @ws/server; its server against @ws/client). */
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { WS_VERSION } from '../targets/ws.js';
import { runScenario } from './peers/whatwg-client.mjs';
import { runOursClient, serverSawClientClose, startInteropServer } from './scenario.js';
import type { Check, Pairing } from './types.js';

const always = async (): Promise<string | undefined> => undefined;

export const wsClientToOurServer: Pairing = {
  id: 'ws-client→ours-server',
  title: 'ws client → @ws/server',
  unavailable: always,
  async run() {
    const server = await startInteropServer();
    try {
      const checks = (await runScenario(WebSocket, `ws://127.0.0.1:${server.port}`)) as Check[];
      checks.push(await serverSawClientClose(server));
      return { checks, runtime: `ws ${WS_VERSION}` };
    } finally {
      await server.stop();
    }
  },
};

/** The interop protocol on a `ws` server. */
export function startWsInteropServer(): Promise<{
  port: number;
  closes: { code: number; reason: string }[];
  stop(): Promise<void>;
}> {
  return new Promise((resolve) => {
    const closes: { code: number; reason: string }[] = [];
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (offered) => (offered.has('chat') ? 'chat' : false),
    });
    server.on('connection', (socket) => {
      const pending = new Set<string>();
      socket.on('error', () => {});
      socket.on('pong', (data) => {
        const payload = data.toString();
        if (pending.delete(payload)) socket.send(`pong:${payload}`);
      });
      socket.on('message', (data, isBinary) => {
        const message = isBinary ? undefined : data.toString();
        if (message?.startsWith('cmd:ping:')) {
          const payload = message.slice('cmd:ping:'.length);
          pending.add(payload);
          socket.ping(payload);
        } else if (message?.startsWith('cmd:close:')) {
          const [, , code, ...reason] = message.split(':');
          socket.close(Number(code), reason.join(':'));
        } else socket.send(data as Buffer, { binary: isBinary });
      });
      socket.on('close', (code, reason) => closes.push({ code, reason: reason.toString() }));
    });
    server.on('listening', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        closes,
        stop: () => new Promise((done) => server.close(() => done())),
      }),
    );
  });
}

export const oursClientToWsServer: Pairing = {
  id: 'ours-client→ws-server',
  title: '@ws/client → ws server',
  unavailable: always,
  async run() {
    const server = await startWsInteropServer();
    try {
      const checks = await runOursClient(`ws://127.0.0.1:${server.port}`);
      for (let i = 0; i < 100 && server.closes.length === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      checks.push({
        name: 'ws server received the client close 4000 with its reason',
        ok: server.closes.some((close) => close.code === 4000 && close.reason === 'bye 👋'),
        detail: JSON.stringify(server.closes),
      });
      return { checks, runtime: `ws ${WS_VERSION}` };
    } finally {
      await server.stop();
    }
  },
};
