import { Opcode } from '@ws/frame';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientConnection, connect, HandshakeError } from '../src/index.js';
import {
  clientFrames,
  closeFrame,
  type Peer,
  type ScriptedServer,
  scriptedServer,
  serverFrame,
  switching,
  until,
} from './helpers.js';

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failure(promise: Promise<unknown>): Promise<HandshakeError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the handshake to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HandshakeError);
  return error as HandshakeError;
}

describe('connect: the opening handshake', () => {
  it('sends an RFC 6455 §4.1 request and opens on a valid 101', async () => {
    server = await scriptedServer((peer) => peer.socket.write(switching(peer)));
    const conn = await connect(`${server.url}chat?room=1`, {
      headers: { 'User-Agent': 'test', Cookie: 'a=b' },
      origin: 'https://example.com',
    });
    expect(conn).toBeInstanceOf(ClientConnection);
    expect(conn.response.status).toBe(101);
    expect(conn.subprotocol).toBeUndefined();
    expect(conn.url).toBe(`${server.url}chat?room=1`);
    const request = server.requests[0]!;
    expect(request.method).toBe('GET');
    expect(request.url).toBe('/chat?room=1');
    const names = request.headers.map(([name]) => name.toLowerCase());
    for (const name of [
      'host',
      'upgrade',
      'connection',
      'sec-websocket-key',
      'sec-websocket-version',
    ]) {
      expect(names).toContain(name);
    }
    expect(request.headers).toContainEqual(['Origin', 'https://example.com']);
    expect(request.headers).toContainEqual(['User-Agent', 'test']);
    expect(request.headers).toContainEqual(['Sec-WebSocket-Version', '13']);
    conn.terminate();
    await conn.closed;
  });

  it('takes a URL instance as it is, and keeps its URL as it was at the call', async () => {
    server = await scriptedServer((peer) => peer.socket.write(switching(peer)));
    const url = new URL(`${server.url}path?q=1`);
    const pending = connect(url);
    url.pathname = '/elsewhere';
    const conn = await pending;
    expect(server.requests[0]!.url).toBe('/path?q=1');
    expect(conn.url).toBe(`${server.url}path?q=1`);
    conn.terminate();
  });

  it('uses a fresh key for every connection', async () => {
    server = await scriptedServer((peer) => peer.socket.write(switching(peer)));
    const keys = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const conn = await connect(server.url);
      conn.terminate();
    }
    for (const request of server.requests) {
      keys.add(request.headers.find(([n]) => n === 'Sec-WebSocket-Key')![1]);
    }
    expect(keys.size).toBe(5);
  });

  it('negotiates a subprotocol the client offered', async () => {
    server = await scriptedServer((peer) =>
      peer.socket.write(switching(peer, ['Sec-WebSocket-Protocol: b'])),
    );
    const conn = await connect(server.url, { protocols: ['a', 'b'] });
    expect(conn.subprotocol).toBe('b');
    expect(server.requests[0]!.headers).toContainEqual(['Sec-WebSocket-Protocol', 'a, b']);
    conn.terminate();
  });

  it('hands the bytes that came with the 101 to the connection', async () => {
    server = await scriptedServer((peer) => {
      const head = Buffer.from(switching(peer));
      peer.socket.write(
        Buffer.concat([head, serverFrame(Opcode.Text, 'early'), serverFrame(Opcode.Text, 'bird')]),
      );
    });
    const conn = await connect(server.url);
    expect(await conn.receive()).toEqual({ type: 'text', data: 'early' });
    expect(await conn.receive()).toEqual({ type: 'text', data: 'bird' });
    conn.terminate();
  });

  it('reads the response split at every byte, with a frame after it', async () => {
    let split = 0;
    server = await scriptedServer(async (peer) => {
      const bytes = Buffer.concat([
        Buffer.from(switching(peer)),
        serverFrame(Opcode.Text, 'after the head'),
      ]);
      const at = split % bytes.length;
      peer.socket.write(bytes.subarray(0, at));
      await new Promise((resolve) => setTimeout(resolve, 1));
      peer.socket.write(bytes.subarray(at));
    });
    // The 101 head (its accept value is always 28 characters) and the frame after it.
    const length =
      switching({ accept: 'x'.repeat(28) } as Peer).length +
      serverFrame(Opcode.Text, 'after the head').length;
    for (split = 1; split < length; split++) {
      const conn = await connect(server.url);
      expect(await conn.receive()).toEqual({ type: 'text', data: 'after the head' });
      conn.terminate();
    }
  });
});

describe('connect: every failure is a HandshakeError', () => {
  it('a bad Sec-WebSocket-Accept', async () => {
    server = await scriptedServer((peer) =>
      peer.socket.write(switching(peer).replace(peer.accept, 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=')),
    );
    const error = await failure(connect(server.url));
    expect(error.kind).toBe('invalid-accept');
    expect(error.status).toBe(101);
  });

  it('a missing Sec-WebSocket-Accept', async () => {
    server = await scriptedServer((peer) =>
      peer.socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n',
      ),
    );
    expect((await failure(connect(server.url))).kind).toBe('missing-accept');
  });

  it('a non-101 status, with the status and headers', async () => {
    server = await scriptedServer((peer) =>
      peer.socket.end('HTTP/1.1 403 Forbidden\r\nX-Reason: no\r\nContent-Length: 6\r\n\r\nnope!\n'),
    );
    const error = await failure(connect(server.url));
    expect(error.kind).toBe('unexpected-status');
    expect(error.status).toBe(403);
    expect(error.headers).toContainEqual(['X-Reason', 'no']);
    expect(error.message).toContain('403');
  });

  it('a 3xx is reported with its Location, not followed', async () => {
    server = await scriptedServer((peer) =>
      peer.socket.end('HTTP/1.1 302 Found\r\nLocation: ws://elsewhere.invalid/\r\n\r\n'),
    );
    const error = await failure(connect(server.url));
    expect(error.kind).toBe('redirect');
    expect(error.status).toBe(302);
    expect(error.location).toBe('ws://elsewhere.invalid/');
    expect(server.connections).toBe(1);
  });

  it('an unrequested subprotocol', async () => {
    server = await scriptedServer((peer) =>
      peer.socket.write(switching(peer, ['Sec-WebSocket-Protocol: evil'])),
    );
    expect((await failure(connect(server.url, { protocols: ['chat'] }))).kind).toBe(
      'unrequested-protocol',
    );
  });

  it('a subprotocol when none was offered', async () => {
    server = await scriptedServer((peer) =>
      peer.socket.write(switching(peer, ['Sec-WebSocket-Protocol: chat'])),
    );
    expect((await failure(connect(server.url))).kind).toBe('unrequested-protocol');
  });

  it('an unrequested extension', async () => {
    server = await scriptedServer((peer) =>
      peer.socket.write(switching(peer, ['Sec-WebSocket-Extensions: permessage-deflate'])),
    );
    const error = await failure(connect(server.url, { perMessageDeflate: false }));
    expect(error.kind).toBe('unrequested-extension');
  });

  it('an unrequested extension while permessage-deflate is offered', async () => {
    server = await scriptedServer((peer) =>
      peer.socket.write(switching(peer, ['Sec-WebSocket-Extensions: x-webkit-deflate-frame'])),
    );
    expect((await failure(connect(server.url))).kind).toBe('unrequested-extension');
  });

  it('garbage instead of HTTP', async () => {
    server = await scriptedServer((peer) => peer.socket.write('SSH-2.0-OpenSSH_9.2\r\n\r\n'));
    expect((await failure(connect(server.url))).kind).toBe('invalid-response');
  });

  it('bare LF line ends', async () => {
    server = await scriptedServer((peer) =>
      peer.socket.write(switching(peer).replace('\r\n', '\n')),
    );
    const error = await failure(connect(server.url));
    expect(error.kind).toBe('invalid-response');
    expect(error.message).toContain('bare LF');
  });

  it('an endless header block stops at maxHeaderBytes', async () => {
    let written = 0;
    server = await scriptedServer(async (peer) => {
      peer.socket.write('HTTP/1.1 101 Switching Protocols\r\n');
      const line = `X-Filler: ${'a'.repeat(1000)}\r\n`;
      while (!peer.socket.destroyed && written < 64_000_000) {
        written += line.length;
        if (!peer.socket.write(line)) {
          await new Promise((resolve) => {
            peer.socket.once('drain', resolve);
            peer.socket.once('close', resolve);
          });
        }
      }
    });
    const error = await failure(connect(server.url, { limits: { maxHeaderBytes: 8192 } }));
    expect(error.kind).toBe('headers-too-large');
    // The client gave up at 8 KiB: the server's writes stop at what the kernel buffers hold.
    expect(written).toBeLessThan(64_000_000);
  });

  it('too many header lines', async () => {
    server = await scriptedServer((peer) =>
      peer.socket.write(
        switching(
          peer,
          Array.from({ length: 20 }, (_, i) => `X-${i}: y`),
        ),
      ),
    );
    expect((await failure(connect(server.url, { limits: { maxHeaders: 10 } }))).kind).toBe(
      'headers-too-large',
    );
  });

  it('a server that never answers: the handshake times out', async () => {
    server = await scriptedServer(() => {});
    const error = await failure(connect(server.url, { handshakeTimeout: 100 }));
    expect(error.kind).toBe('timeout');
    await until(() => server!.connections === 1);
  });

  it('a server that closes without answering', async () => {
    server = await scriptedServer((peer) => peer.socket.end());
    expect((await failure(connect(server.url))).kind).toBe('closed');
  });

  it('a server that answers half a head and closes', async () => {
    server = await scriptedServer((peer) => peer.socket.end('HTTP/1.1 101 Switching'));
    expect((await failure(connect(server.url))).kind).toBe('closed');
  });

  it('a refused TCP connection', async () => {
    server = await scriptedServer(() => {});
    const url = server.url;
    await server.close();
    server = undefined;
    const error = await failure(connect(url));
    expect(error.kind).toBe('tcp');
    expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('a name that does not resolve', async () => {
    const error = await failure(connect('ws://no-such-host.invalid/'));
    expect(error.kind).toBe('dns');
  });

  it('an AbortSignal that fires during the handshake', async () => {
    server = await scriptedServer(() => {});
    const controller = new AbortController();
    const pending = connect(server.url, { signal: controller.signal });
    await until(() => server!.requests.length === 1, 'the request');
    controller.abort(new Error('changed my mind'));
    const error = await failure(pending);
    expect(error.kind).toBe('aborted');
    expect((error.cause as Error).message).toBe('changed my mind');
  });

  it('an AbortSignal that already fired: no connection is made', async () => {
    server = await scriptedServer(() => {});
    const error = await failure(connect(server.url, { signal: AbortSignal.abort() }));
    expect(error.kind).toBe('aborted');
    expect(server.connections).toBe(0);
  });

  it('a signal that fires after the connection opened changes nothing', async () => {
    server = await scriptedServer((peer) => {
      peer.socket.write(switching(peer));
      peer.socket.write(serverFrame(Opcode.Text, 'still here'));
    });
    const controller = new AbortController();
    const conn = await connect(server.url, { signal: controller.signal });
    controller.abort();
    expect(await conn.receive()).toEqual({ type: 'text', data: 'still here' });
    expect(conn.readyState).toBe('open');
    conn.terminate();
  });
});

describe('connect: caller misuse throws before anything is sent', () => {
  it('CR/LF in a header value, a header name or the URL', async () => {
    server = await scriptedServer(() => {});
    expect(() => connect(server!.url, { headers: { 'X-A': 'x\r\nInjected: yes' } })).toThrow(
      TypeError,
    );
    expect(() => connect(server!.url, { headers: { 'X-A\r\nInjected': 'yes' } })).toThrow(
      TypeError,
    );
    expect(() => connect(server!.url, { headers: [['X-A', 'x\nInjected: yes']] })).toThrow(
      TypeError,
    );
    expect(() => connect(server!.url, { origin: 'x\r\nInjected: yes' })).toThrow(TypeError);
    expect(() => connect(`${server!.url}a\r\nInjected: yes`)).toThrow(TypeError);
    expect(() => connect(`${server!.url}a\nb`)).toThrow(TypeError);
    expect(() => connect(`${server!.url}\u0000`)).toThrow(TypeError);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.connections).toBe(0);
  });

  it('handshake headers cannot be overridden', () => {
    expect(() => connect('ws://127.0.0.1:1/', { headers: { Upgrade: 'h2c' } })).toThrow(TypeError);
    expect(() => connect('ws://127.0.0.1:1/', { headers: { 'Sec-WebSocket-Key': 'x' } })).toThrow(
      TypeError,
    );
  });

  it('bad URLs', () => {
    expect(() => connect('http://example.com/')).toThrow(TypeError);
    expect(() => connect('ws://example.com/#frag')).toThrow(TypeError);
    expect(() => connect('not a url')).toThrow(TypeError);
    expect(() => connect(42 as unknown as string)).toThrow(TypeError);
  });

  it('bad protocols', () => {
    expect(() => connect('ws://127.0.0.1:1/', { protocols: ['a b'] })).toThrow(TypeError);
    expect(() => connect('ws://127.0.0.1:1/', { protocols: ['a', 'a'] })).toThrow(TypeError);
  });
});

describe('connect: a hostile server after the handshake', () => {
  it('a frame claiming 10 GB fails with 1009 without buffering it', async () => {
    let sent = 0;
    let peerSocket: Peer['socket'] | undefined;
    server = await scriptedServer(async (peer) => {
      peerSocket = peer.socket;
      peer.socket.write(switching(peer));
      // Header: FIN + binary, 127 → 64-bit length 10 GiB, then a stream of payload bytes.
      const header = Buffer.from([0x82, 127, 0, 0, 0, 2, 0x80, 0, 0, 0]);
      peer.socket.write(header);
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      while (!peer.socket.destroyed && sent < 64 * 1024 * 1024) {
        sent += chunk.length;
        if (!peer.socket.write(chunk)) {
          await new Promise((resolve) => {
            peer.socket.once('drain', resolve);
            peer.socket.once('close', resolve);
          });
        }
      }
    });
    const conn = await connect(server.url);
    const frames = clientFrames(peerSocket!);
    const result = await conn.receive();
    expect(result).toBeInstanceOf(Error);
    expect((result as { closeCode?: number }).closeCode).toBe(1009);
    expect(conn.protocol.bufferedBytes).toBeLessThanOrEqual(64 * 1024 * 1024 + 1024 * 1024);
    const close = await conn.closed;
    expect(close.code).toBe(1009);
    // The client sent a Close with 1009 (§7.4.1) before dropping the connection.
    await until(() => frames.frames.length > 0 || peerSocket!.destroyed, 'the close frame');
    if (frames.frames.length > 0) {
      expect(frames.frames[0]!.opcode).toBe(Opcode.Close);
      expect((frames.frames[0]!.payload[0]! << 8) | frames.frames[0]!.payload[1]!).toBe(1009);
    }
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });

  it('a message over maxMessageSize in many fragments fails with 1009', async () => {
    server = await scriptedServer((peer) => {
      peer.socket.write(switching(peer));
      for (let i = 0; i < 20; i++)
        peer.socket.write(
          serverFrame(i === 0 ? Opcode.Binary : Opcode.Continuation, new Uint8Array(100), false),
        );
    });
    const conn = await connect(server.url, { limits: { maxMessageSize: 1000 } });
    const result = await conn.receive();
    expect((result as { closeCode?: number }).closeCode).toBe(1009);
    expect((await conn.closed).code).toBe(1009);
  });

  it('a masked frame from the server fails the connection with 1002 (§5.1)', async () => {
    server = await scriptedServer((peer) => {
      peer.socket.write(switching(peer));
      peer.socket.write(Buffer.from([0x81, 0x81, 1, 2, 3, 4, 0x61 ^ 1]));
    });
    const conn = await connect(server.url);
    const result = await conn.receive();
    expect((result as { closeCode?: number }).closeCode).toBe(1002);
    expect((await conn.closed).code).toBe(1002);
  });

  it('the closing handshake: the server echoes our Close', async () => {
    server = await scriptedServer((peer) => {
      peer.socket.write(switching(peer));
      const seen = clientFrames(peer.socket);
      peer.socket.on('data', () => {
        if (seen.frames.some((f) => f.opcode === Opcode.Close))
          peer.socket.end(closeFrame(1000, 'ok'));
      });
    });
    const conn = await connect(server.url);
    const close = await conn.close(1000, 'bye');
    expect(close).toMatchObject({ code: 1000, reason: 'ok', wasClean: true });
  });

  it('a server that never echoes the Close is dropped after closeTimeout', async () => {
    server = await scriptedServer((peer) => peer.socket.write(switching(peer)));
    const conn = await connect(server.url, { closeTimeout: 100 });
    const close = await conn.close(1000);
    expect(close.wasClean).toBe(false);
  });
});

describe('connect: masking (§5.3)', () => {
  it('masks every frame with a key from the injected source', async () => {
    let peerSocket: Peer['socket'] | undefined;
    server = await scriptedServer((peer) => {
      peerSocket = peer.socket;
      peer.socket.write(switching(peer));
    });
    let keys = 0;
    const conn = await connect(server.url, {
      maskKeySource: {
        next(target, offset) {
          keys++;
          target.set([1, 2, 3, 4], offset);
        },
      },
    });
    const received: Buffer[] = [];
    peerSocket!.on('data', (chunk: Buffer) => received.push(chunk));
    await conn.sendText('abcd');
    await until(() => Buffer.concat(received).length >= 10, 'the frame');
    const bytes = Buffer.concat(received);
    expect(bytes[1]! & 0x80).toBe(0x80);
    expect([...bytes.subarray(2, 6)]).toEqual([1, 2, 3, 4]);
    expect([...bytes.subarray(6, 10)]).toEqual([0x61 ^ 1, 0x62 ^ 2, 0x63 ^ 3, 0x64 ^ 4]);
    expect(keys).toBe(1);
    conn.terminate();
  });

  it('uses different keys per frame by default', async () => {
    let peerSocket: Peer['socket'] | undefined;
    server = await scriptedServer((peer) => {
      peerSocket = peer.socket;
      peer.socket.write(switching(peer));
    });
    const conn = await connect(server.url);
    const seen = clientFrames(peerSocket!);
    const raw: Buffer[] = [];
    peerSocket!.on('data', (chunk: Buffer) => raw.push(chunk));
    for (let i = 0; i < 50; i++) void conn.sendText('x');
    await until(() => seen.frames.length === 50, 'the frames');
    const bytes = Buffer.concat(raw);
    const keys = new Set<string>();
    for (let i = 0; i < 50; i++) keys.add(bytes.subarray(i * 7 + 2, i * 7 + 6).toString('hex'));
    expect(keys.size).toBeGreaterThan(45);
    expect(seen.frames.every((f) => f.opcode === Opcode.Text)).toBe(true);
    conn.terminate();
  });
});
