/** The control: the `ws` package, the most used Node implementation. */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { ClientOutcome } from '../cases/types.js';
import {
  DEFLATE_MAX_MESSAGE,
  errorText,
  type RunningServer,
  SUPPORTED_PROTOCOLS,
  type Target,
} from './types.js';

function chooseProtocol(offered: Set<string>): string | false {
  for (const protocol of offered) {
    if ((SUPPORTED_PROTOCOLS as readonly string[]).includes(protocol)) return protocol;
  }
  return false;
}

export const WS_VERSION: string = JSON.parse(
  readFileSync(new URL('../../node_modules/ws/package.json', import.meta.url), 'utf8'),
).version;

export const wsTarget: Target = {
  name: 'ws',
  label: `ws ${WS_VERSION} (control)`,
  async unavailable() {
    return undefined;
  },
  startServer(setup): Promise<RunningServer> {
    return new Promise((resolve, reject) => {
      const server = new WebSocketServer({
        host: '127.0.0.1',
        port: 0,
        handleProtocols: chooseProtocol,
        ...(setup?.deflate
          ? { perMessageDeflate: { threshold: 0 }, maxPayload: DEFLATE_MAX_MESSAGE }
          : {}),
      });
      server.on('connection', (socket) => {
        socket.on('error', () => {});
        socket.on('message', (data, isBinary) => socket.send(data as Buffer, { binary: isBinary }));
      });
      server.on('error', reject);
      server.on('listening', () => {
        const { port } = server.address() as AddressInfo;
        resolve({
          port,
          stop: () =>
            new Promise<void>((done) => {
              for (const client of server.clients) client.terminate();
              server.close(() => done());
            }),
        });
      });
    });
  },
  runClient(url, protocols) {
    return new Promise((resolve) => {
      const outcome: Omit<ClientOutcome, 'settled'> = { opened: false };
      const socket = new WebSocket(url, [...protocols]);
      socket.on('open', () => {
        outcome.opened = true;
        if (socket.protocol !== '') outcome.protocol = socket.protocol;
      });
      socket.on('message', (data, isBinary) => socket.send(data as Buffer, { binary: isBinary }));
      socket.on('error', (error) => {
        outcome.error ??= errorText(error);
      });
      socket.on('close', (code, reason) => {
        outcome.closeCode = code;
        outcome.closeReason = reason.toString();
        resolve(outcome);
      });
    });
  },
};
