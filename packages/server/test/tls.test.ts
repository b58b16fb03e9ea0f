import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebSocketServer } from '../src/index.js';
import { readResponse, upgradeHead } from './helpers.js';

let dir: string;
let cert: Buffer;
let key: Buffer;
let https: Server;
let wss: WebSocketServer;
let port: number;

beforeAll(async () => {
  // A self-signed certificate made for this run only.
  dir = mkdtempSync(join(tmpdir(), 'ws-server-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  cert = readFileSync(join(dir, 'cert.pem'));
  key = readFileSync(join(dir, 'key.pem'));
  https = createServer({ cert, key }, (_req, res) => res.end('secure page'));
  wss = new WebSocketServer({ server: https, path: '/secure' });
  wss.on('connection', (connection) => {
    connection.on('message', (message) => {
      if (message.type === 'text') void connection.sendText(`tls:${message.data}`);
      else void connection.sendBinary(message.data);
    });
  });
  https.listen(0, '127.0.0.1');
  await once(https, 'listening');
  port = (https.address() as { port: number }).port;
});

afterAll(async () => {
  await wss.terminate();
  https.closeAllConnections();
  await new Promise((resolve) => https.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe('wss:// over an https.Server', () => {
  it('a ws client verifying the generated certificate echoes text and binary', async () => {
    const client = new WebSocket(`wss://localhost:${port}/secure`, { ca: cert });
    await once(client, 'open');
    const replies: (string | Buffer)[] = [];
    client.on('message', (data, isBinary) =>
      replies.push(isBinary ? (data as Buffer) : data.toString()),
    );
    client.send('over tls');
    client.send(Buffer.alloc(70_000, 7));
    while (replies.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(replies[0]).toBe('tls:over tls');
    expect(replies[1]).toEqual(Buffer.alloc(70_000, 7));
    expect(wss.clients.size).toBe(1);
    client.close(1000);
    const [code] = await once(client, 'close');
    expect(code).toBe(1000);
  });

  it('refuses a bad handshake over TLS with its status', async () => {
    const socket = connect({ port, host: '127.0.0.1', ca: cert, servername: 'localhost' });
    await once(socket, 'secureConnect');
    const response = readResponse(socket as never);
    socket.write(upgradeHead('/secure', { 'Sec-WebSocket-Version': '12' }));
    const answer = await response;
    expect(answer.status).toBe(426);
    expect(answer.headers['sec-websocket-version']).toBe('13');
  });
});
