import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { type EchoClient, openOursEvents } from '../src/e2e/clients.js';
import type { ServerProcess } from '../src/e2e/server-process.js';
import { Prng } from '../src/prng.js';
import { startWsServer } from '../src/sections/client-echo.js';

describe("openOursEvents: @ws/client through its 'message' event, against the ws server", () => {
  let server: { process: ServerProcess; port: number };
  let client: EchoClient;
  beforeAll(async () => {
    server = await startWsServer();
    client = await openOursEvents(server.port);
  }, 60_000);
  afterAll(async () => {
    await client?.close();
    await server?.process.stop();
  });

  it('gets every payload back intact, in order', async () => {
    const prng = new Prng(7);
    const payloads = [0, 1, 125, 126, 70_000].map((n) => prng.bytes(n));
    const back = await client.echoEach(payloads);
    expect(back.map((b) => Buffer.from(b))).toEqual(payloads.map((p) => Buffer.from(p)));
  });

  it('echoes a count of messages one at a time and in bursts, with a last short burst', async () => {
    const payload = new Prng(8).bytes(300);
    expect(await client.echo(payload, 7, 1)).toBeUndefined();
    expect(await client.echo(payload, 50, 16)).toBeUndefined();
    expect(client.name).toBe('ours');
  });
});

describe('openOursEvents: problems are reported, not hidden', () => {
  let wss: WebSocketServer;
  let port: number;
  let reply: (data: Buffer) => [Buffer | string, boolean];
  beforeAll(async () => {
    wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (socket) =>
      socket.on('message', (data: Buffer) => {
        const [out, binary] = reply(data);
        socket.send(out, { binary });
      }),
    );
    await new Promise((resolve) => wss.once('listening', resolve));
    port = (wss.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => wss.close(resolve));
  });

  it('an echo of the wrong length', async () => {
    reply = (data) => [data.subarray(1), true];
    const client = await openOursEvents(port);
    expect(await client.echo(new Uint8Array(32), 4, 2)).toBe('an echo of 32 B came back as 31 B');
    await client.close();
  });

  it('a text echo', async () => {
    reply = (data) => [data.toString('latin1'), false];
    const client = await openOursEvents(port);
    expect(await client.echo(new Uint8Array(8).fill(65), 3, 1)).toBe(
      'got a text message instead of binary',
    );
    await client.close();
  });

  it('the connection closing mid-burst (the burst does not hang)', async () => {
    reply = () => {
      for (const socket of wss.clients) socket.close(1001);
      return ['', true];
    };
    const client = await openOursEvents(port);
    expect(await client.echo(new Uint8Array(8), 16, 16)).toBe('the connection closed (1001)');
    await client.close();
  });
});
