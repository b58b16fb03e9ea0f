import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerConnection, WebSocketServer } from '../src/index.js';
import { listen } from './helpers.js';

let wss: WebSocketServer;
let port: number;
const connections: ServerConnection[] = [];

beforeAll(async () => {
  ({ wss, port } = await listen({
    protocols: (offered) => offered[0],
    limits: { maxMessageSize: 1024 * 1024 },
  }));
  wss.on('connection', async (connection) => {
    connections.push(connection);
    // The receive() loop API, echoing until the close.
    for await (const message of connection) {
      if (message.type === 'text') void connection.sendText(message.data);
      else void connection.sendBinary(message.data);
    }
  });
});

afterAll(() => wss.terminate());

async function open(protocols?: string[]): Promise<WebSocket> {
  const client = new WebSocket(`ws://127.0.0.1:${port}/`, protocols);
  await once(client, 'open');
  return client;
}

function next(client: WebSocket): Promise<[Buffer, boolean]> {
  return once(client, 'message') as Promise<[Buffer, boolean]>;
}

describe('interop with the ws client', () => {
  it('echoes text (multi-byte UTF-8) and binary, and agrees on the subprotocol', async () => {
    const client = await open(['v2.chat', 'v1.chat']);
    expect(client.protocol).toBe('v2.chat');
    client.send('héllo 🌍');
    const [data, binary] = await next(client);
    expect(binary).toBe(false);
    expect(data.toString()).toBe('héllo 🌍');
    client.send(new Uint8Array([1, 2, 3]));
    const [bytes, isBinary] = await next(client);
    expect(isBinary).toBe(true);
    expect([...bytes]).toEqual([1, 2, 3]);
    client.close();
    await once(client, 'close');
  });

  it('echoes messages from 0 bytes to 512 KiB in order', async () => {
    const client = await open();
    const sizes = [0, 1, 125, 126, 65535, 65536, 512 * 1024];
    const received: Buffer[] = [];
    client.on('message', (data: Buffer) => received.push(data));
    for (const size of sizes) client.send(Buffer.alloc(size, size & 0xff));
    while (received.length < sizes.length) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(received.map((data) => data.length)).toEqual(sizes);
    for (let i = 0; i < sizes.length; i++) {
      expect(received[i]!.equals(Buffer.alloc(sizes[i]!, sizes[i]! & 0xff))).toBe(true);
    }
    client.close();
    await once(client, 'close');
  });

  it('answers the ws client’s ping with a pong carrying the same data', async () => {
    const client = await open();
    client.ping('are you there');
    const [data] = (await once(client, 'pong')) as [Buffer];
    expect(data.toString()).toBe('are you there');
    client.close();
    await once(client, 'close');
  });

  it('closes with 1009 when a message exceeds maxMessageSize', async () => {
    const client = await open();
    client.send(Buffer.alloc(2 * 1024 * 1024));
    const [code] = (await once(client, 'close')) as [number];
    expect(code).toBe(1009);
  });

  it('runs the closing handshake both ways with code and reason', async () => {
    const client = await open();
    const serverSide = connections.at(-1)!;
    client.close(4001, 'client done');
    const [code, reason] = (await once(client, 'close')) as [number, Buffer];
    expect(code).toBe(4001);
    expect(reason.toString()).toBe('');
    expect(await serverSide.closed).toMatchObject({
      code: 4001,
      reason: 'client done',
      wasClean: true,
    });

    const second = await open();
    const secondServer = connections.at(-1)!;
    const closing = once(second, 'close');
    await secondServer.close(1001, 'bye');
    const [code2, reason2] = (await closing) as [number, Buffer];
    expect(code2).toBe(1001);
    expect(reason2.toString()).toBe('bye');
  });
});
