import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer, connect as netConnect } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { resolveTarget } from '@ws/handshake';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { connect, HandshakeError } from '../src/index.js';
import { socketErrorKind, socketOptions } from '../src/socket.js';

const cert = readFileSync(new URL('./fixtures/localhost-cert.pem', import.meta.url));
const key = readFileSync(new URL('./fixtures/localhost-key.pem', import.meta.url));

describe('socketOptions', () => {
  it('sends SNI for a host name, none for an IP address (RFC 6066 §3)', () => {
    expect(socketOptions(resolveTarget('wss://example.com/'), undefined).tls?.servername).toBe(
      'example.com',
    );
    expect(
      socketOptions(resolveTarget('wss://127.0.0.1/'), undefined).tls?.servername,
    ).toBeUndefined();
    expect(
      socketOptions(resolveTarget('wss://[::1]:8443/'), undefined).tls?.servername,
    ).toBeUndefined();
    expect(
      socketOptions(resolveTarget('wss://127.0.0.1/'), { servername: 'name.test' }).tls?.servername,
    ).toBe('name.test');
  });

  it('verifies certificates unless told not to', () => {
    expect(socketOptions(resolveTarget('wss://a.test/'), undefined).tls?.rejectUnauthorized).toBe(
      true,
    );
    expect(socketOptions(resolveTarget('wss://a.test/'), { tls: {} }).tls?.rejectUnauthorized).toBe(
      true,
    );
    expect(
      socketOptions(resolveTarget('wss://a.test/'), { rejectUnauthorized: false }).tls
        ?.rejectUnauthorized,
    ).toBe(false);
  });

  it('has no TLS options for ws://, and the default ports', () => {
    const plain = socketOptions(resolveTarget('ws://a.test/'), { ca: 'x' });
    expect(plain).toEqual({ host: 'a.test', port: 80, secure: false, tls: undefined });
    expect(socketOptions(resolveTarget('wss://a.test/'), undefined).port).toBe(443);
    expect(socketOptions(resolveTarget('ws://[::1]:81/'), undefined).host).toBe('::1');
  });
});

describe('socketErrorKind', () => {
  it('names the layer', () => {
    expect(socketErrorKind({ code: 'ENOTFOUND' }, 'connecting')).toBe('dns');
    expect(socketErrorKind({ code: 'EAI_AGAIN' }, 'connecting')).toBe('dns');
    expect(socketErrorKind({ code: 'ECONNREFUSED' }, 'connecting')).toBe('tcp');
    expect(socketErrorKind({ code: 'ECONNRESET' }, 'http')).toBe('tcp');
    expect(socketErrorKind({ code: 'ECONNRESET' }, 'tls')).toBe('tls');
    expect(socketErrorKind({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'http')).toBe('tls');
    expect(socketErrorKind({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'http')).toBe('tls');
    expect(socketErrorKind({ code: 'EPROTO', library: 'SSL routines' }, 'http')).toBe('tls');
    expect(socketErrorKind(new Error('x'), 'http')).toBe('tcp');
    expect(socketErrorKind(undefined, 'connecting')).toBe('tcp');
  });
});

describe('wss://', () => {
  let https: HttpsServer;
  let wss: WebSocketServer;
  let port = 0;
  const servernames: (string | false | null)[] = [];

  beforeAll(async () => {
    https = createHttpsServer({ cert, key });
    https.on('secureConnection', (socket: TLSSocket) => servernames.push(socket.servername));
    wss = new WebSocketServer({ server: https });
    wss.on('connection', (socket) =>
      socket.on('message', (data, binary) => socket.send(data, { binary })),
    );
    https.listen(0, '127.0.0.1');
    await once(https, 'listening');
    port = (https.address() as { port: number }).port;
  });

  afterAll(async () => {
    wss.close();
    https.close();
    https.closeAllConnections();
  });

  async function kindOf(promise: Promise<unknown>): Promise<string> {
    const error = await promise.then(
      () => new Error('expected a failure'),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(HandshakeError);
    return (error as HandshakeError).kind;
  }

  it('refuses a self-signed certificate by default', async () => {
    expect(await kindOf(connect(`wss://localhost:${port}/`))).toBe('tls');
  });

  it('accepts it with `ca`, sending the host name as SNI', async () => {
    servernames.length = 0;
    const conn = await connect(`wss://localhost:${port}/`, { ca: cert });
    await conn.sendText('over TLS');
    expect(await conn.receive()).toEqual({ type: 'text', data: 'over TLS' });
    expect(servernames).toEqual(['localhost']);
    await conn.close();
  });

  it('an IP address: no SNI, the certificate checked against the IP', async () => {
    servernames.length = 0;
    const conn = await connect(`wss://127.0.0.1:${port}/`, { ca: cert });
    expect(servernames).toEqual([false]);
    await conn.close();
  });

  it('a certificate for another name is a TLS error', async () => {
    expect(
      await kindOf(connect(`wss://127.0.0.1:${port}/`, { ca: cert, servername: 'other.test' })),
    ).toBe('tls');
  });

  it('rejectUnauthorized: false accepts anything', async () => {
    const conn = await connect(`wss://localhost:${port}/`, { rejectUnauthorized: false });
    await conn.close();
  });

  it('a plain TCP server behind wss:// is a TLS error', async () => {
    const plain = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    plain.listen(0, '127.0.0.1');
    await once(plain, 'listening');
    const plainPort = (plain.address() as { port: number }).port;
    expect(await kindOf(connect(`wss://127.0.0.1:${plainPort}/`))).toBe('tls');
    plain.close();
  });

  it('createConnection supplies the socket', async () => {
    const calls: unknown[] = [];
    const server = createServer((socket) => socket.destroy());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const realPort = (server.address() as { port: number }).port;
    // The URL names a host that does not exist; the supplied socket goes elsewhere.
    const error = await connect('ws://nowhere.invalid:9/', {
      createConnection: (options) => {
        calls.push(options);
        return netConnect(realPort, '127.0.0.1');
      },
    }).catch((e: unknown) => e);
    expect(calls).toEqual([{ host: 'nowhere.invalid', port: 9, secure: false, tls: undefined }]);
    expect((error as HandshakeError).kind).not.toBe('dns');
    server.close();
  });
});
