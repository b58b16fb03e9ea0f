import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebSocketServer } from '../src/index.js';
import { listen } from './helpers.js';

let wss: WebSocketServer | undefined;
afterEach(() => {
  wss?.terminate();
  wss = undefined;
});

/** An echo server with `options`; the port it listens on. */
async function echoServer(
  options: ConstructorParameters<typeof WebSocketServer>[0],
): Promise<number> {
  const started = await listen(options);
  wss = started.wss;
  wss.on('connection', async (connection) => {
    for await (const message of connection) {
      if (message.type === 'text') void connection.sendText(message.data);
      else void connection.sendBinary(message.data);
    }
  });
  return started.port;
}

/** A `ws` client that offers permessage-deflate (its default offer, like browsers'). */
async function open(port: number): Promise<WebSocket> {
  const client = new WebSocket(`ws://127.0.0.1:${port}/`, { perMessageDeflate: true });
  await once(client, 'open');
  return client;
}

const json = JSON.stringify(
  Array.from({ length: 300 }, (_, i) => ({ id: i, name: `user ${i}`, tags: ['a', 'b', 'ü'] })),
);

describe('permessage-deflate (RFC 7692) on the server', () => {
  it('is off by default: an offer is ignored and the 101 names no extension', async () => {
    const client = await open(await echoServer({}));
    expect(client.extensions).toBe('');
    client.send(json);
    const [data] = (await once(client, 'message')) as [Buffer];
    expect(data.toString()).toBe(json);
    client.close();
    await once(client, 'close');
  });

  it('with perMessageDeflate: true, accepts the offer and echoes compressed messages intact', async () => {
    const client = await open(await echoServer({ perMessageDeflate: true }));
    expect(client.extensions).toMatch(/^permessage-deflate/);
    for (const message of [json, 'short', json.slice(0, 5000)]) {
      client.send(message);
      const [data] = (await once(client, 'message')) as [Buffer];
      expect(data.toString()).toBe(message);
    }
    client.close();
    await once(client, 'close');
  });

  it('the message limit applies to the inflated size: a small compressed bomb closes with 1009', async () => {
    const port = await echoServer({
      perMessageDeflate: true,
      limits: { maxMessageSize: 64 * 1024 },
    });
    const client = await open(port);
    // 4 MiB of zeros compresses to a few KiB: only the inflated size can trip the limit.
    client.send(Buffer.alloc(4 * 1024 * 1024));
    const [code] = (await once(client, 'close')) as [number];
    expect(code).toBe(1009);
  });

  it('refuses bad compression options when the server is made, not on each handshake', () => {
    expect(
      () => new WebSocketServer({ noServer: true, perMessageDeflate: { serverMaxWindowBits: 99 } }),
    ).toThrow(RangeError);
  });
});
