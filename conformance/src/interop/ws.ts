/** Interop with `ws` (its WebSocket client against @ws/server; its server against @ws/client). */
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { WS_VERSION } from '../targets/ws.js';
import { runScenario } from './peers/whatwg-client.mjs';
import {
  compressedOnTheWire,
  runOursClient,
  serverSawClientClose,
  startInteropServer,
  type Traffic,
} from './scenario.js';
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

/** ws's client offers permessage-deflate by default; here our server accepts it. */
export const wsClientToOurServerDeflate: Pairing = {
  id: 'ws-client→ours-server+deflate',
  title: 'ws client → @ws/server, permessage-deflate on both sides',
  unavailable: always,
  async run() {
    const server = await startInteropServer({ deflate: true });
    try {
      const checks = (await runScenario(WebSocket, `ws://127.0.0.1:${server.port}`, {
        deflate: true,
      })) as Check[];
      checks.push(await serverSawClientClose(server), ...compressedOnTheWire(server.traffic));
      return { checks, runtime: `ws ${WS_VERSION}` };
    } finally {
      await server.stop();
    }
  },
};

/** The interop protocol on a `ws` server; `deflate` turns its permessage-deflate on. */
export function startWsInteropServer(options: { deflate?: boolean } = {}): Promise<{
  port: number;
  closes: { code: number; reason: string }[];
  traffic: Traffic;
  stop(): Promise<void>;
}> {
  return new Promise((resolve) => {
    const closes: { code: number; reason: string }[] = [];
    const traffic: Traffic = { payloadIn: 0, payloadOut: 0, sockets: new Set(), offers: [] };
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (offered) => (offered.has('chat') ? 'chat' : false),
      perMessageDeflate: options.deflate === true,
    });
    server.on('connection', (socket, req) => {
      const pending = new Set<string>();
      traffic.sockets.add(req.socket);
      traffic.offers.push(String(req.headers['sec-websocket-extensions'] ?? ''));
      socket.on('error', () => {});
      socket.on('pong', (data) => {
        const payload = data.toString();
        if (pending.delete(payload)) socket.send(`pong:${payload}`);
      });
      socket.on('message', (data, isBinary) => {
        const message = isBinary ? undefined : data.toString();
        const size = (data as Buffer).length;
        traffic.payloadIn += size;
        if (!message?.startsWith('cmd:')) traffic.payloadOut += size;
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
        traffic,
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

export const oursClientToWsServerDeflate: Pairing = {
  id: 'ours-client→ws-server+deflate',
  title: '@ws/client → ws server, permessage-deflate on both sides',
  unavailable: always,
  async run() {
    const server = await startWsInteropServer({ deflate: true });
    try {
      const checks = await runOursClient(`ws://127.0.0.1:${server.port}`, { deflate: true });
      for (let i = 0; i < 100 && server.closes.length === 0; i++)
        await new Promise((r) => setTimeout(r, 50));
      checks.push(
        {
          name: 'ws server received the client close 4000 with its reason',
          ok: server.closes.some((close) => close.code === 4000 && close.reason === 'bye 👋'),
          detail: JSON.stringify(server.closes),
        },
        ...compressedOnTheWire(server.traffic).map((check) => ({
          ...check,
          name: check.name.replace('the server', 'the ws server'),
        })),
      );
      return { checks, runtime: `ws ${WS_VERSION}` };
    } finally {
      await server.stop();
    }
  },
};
