import { encodeFrame } from '@ws/frame';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocketServer } from '../src/index.js';
import {
  listen,
  Opcode,
  RawClient,
  rawConnect,
  rawRequest,
  readResponse,
  text,
  upgradeHead,
} from './helpers.js';

let wss: WebSocketServer;
let port: number;

beforeAll(async () => {
  ({ wss, port } = await listen({ maxHeaders: 20, maxHeaderBytes: 1024 }));
  wss.on('connection', (connection) => {
    connection.on('message', (message) => {
      if (message.type === 'text') void connection.sendText(`echo ${message.data}`);
    });
  });
});

afterAll(() => wss.terminate());

const pause = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('standalone request head reading', () => {
  it('handshakes whatever the split of the head and of a frame sent right behind it', async () => {
    const frame = encodeFrame(
      { opcode: Opcode.Text, payload: new TextEncoder().encode('behind the head') },
      { mask: true },
    );
    const bytes = Buffer.concat([Buffer.from(upgradeHead('/split')), frame]);
    // Every split point of head + frame: the server must find the head's end and hand the
    // rest, however it arrives, to the connection.
    for (let at = 1; at < bytes.length; at++) {
      const socket = await rawConnect(port);
      socket.setNoDelay(true);
      const response = readResponse(socket);
      socket.write(bytes.subarray(0, at));
      await pause();
      socket.write(bytes.subarray(at));
      const head = await response;
      expect(head.status, `split at ${at}`).toBe(101);
      const client = new RawClient(socket);
      const [reply] = await client.waitFrames(1);
      expect(text(reply!), `split at ${at}`).toBe('echo behind the head');
      socket.destroy();
    }
  }, 60_000);

  it('answers 431 as soon as the head passes maxHeaderBytes, without waiting for its end', async () => {
    const socket = await rawConnect(port);
    const response = readResponse(socket);
    socket.write(`GET / HTTP/1.1\r\nHost: x\r\nX-Long: ${'a'.repeat(2000)}`);
    expect((await response).status).toBe(431);
  });

  it('answers 431 past maxHeaders lines, sent one line at a time', async () => {
    const socket = await rawConnect(port);
    const response = readResponse(socket);
    socket.write('GET / HTTP/1.1\r\n');
    for (let i = 0; i < 25 && !socket.destroyed; i++) {
      socket.write(`X-${i}: 1\r\n`);
      await pause();
    }
    expect((await response).status).toBe(431);
  });

  it('answers any garbage head with an error status and closes (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.boolean(),
        async (garbage, asRequestLine) => {
          // Empty lines before a request line are skipped (RFC 7230 §3.5): keep the head non-empty.
          if (garbage[0] === 0x0d) garbage[0] = 0x41;
          const prefix = asRequestLine ? Buffer.from('GET / HTTP/1.1\r\n') : Buffer.alloc(0);
          const request = Buffer.concat([prefix, garbage, Buffer.from('\r\n\r\n')]);
          const response = await rawRequest(port, request);
          expect([400, 405, 426, 431, 505]).toContain(response.status);
        },
      ),
      { numRuns: 60 },
    );
    expect(wss.state).toBe('open');
  });

  it('answers 400 to bytes that are not HTTP', async () => {
    const response = await rawRequest(
      port,
      Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x0d, 0x0a]),
    );
    expect(response.status).toBe(400);
  });
});
