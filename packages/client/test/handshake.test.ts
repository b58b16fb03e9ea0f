import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { acceptKey, buildRequest, generateKey } from '@ws/handshake';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HandshakeError } from '../src/errors.js';
import {
  ClientHandshake,
  type HandshakeOutcome,
  type HandshakeSettings,
} from '../src/handshake.js';
import { until } from './helpers.js';

/** Just what ClientHandshake touches of a net.Socket, with every chunk boundary under test control. */
class FakeSocket extends EventEmitter {
  connecting = false;
  destroyed = false;
  written: Uint8Array[] = [];
  write(bytes: Uint8Array): boolean {
    this.written.push(bytes);
    return true;
  }
  destroy(): this {
    this.destroyed = true;
    return this;
  }
}

interface Run {
  socket: FakeSocket;
  handshake: ClientHandshake;
  results: { error: HandshakeError | undefined; outcome: HandshakeOutcome | undefined }[];
  key: string;
}

function start(overrides: Partial<HandshakeSettings> = {}, socket = new FakeSocket()): Run {
  const key = generateKey();
  const results: Run['results'] = [];
  const handshake = new ClientHandshake(
    socket as unknown as Socket,
    {
      request: buildRequest('ws://example.test/', { key }),
      key,
      protocols: [],
      headLimits: {},
      timeout: Number.POSITIVE_INFINITY,
      signal: undefined,
      secure: false,
      ...overrides,
    },
    (error, outcome) => results.push({ error, outcome }),
  );
  return { socket, handshake, results, key };
}

const encoder = new TextEncoder();

function response(key: string, extra = ''): Uint8Array {
  return encoder.encode(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptKey(key)}\r\n${extra}\r\n`,
  );
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** `bytes` cut at the given (sorted, deduplicated) offsets. */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let previous = 0;
  for (const point of [...points, bytes.length]) {
    if (point > previous) chunks.push(bytes.slice(previous, point));
    previous = point;
  }
  return chunks;
}

describe('ClientHandshake', () => {
  it('writes the request once, at once', () => {
    const run = start();
    expect(run.socket.written).toHaveLength(1);
    expect(new TextDecoder().decode(run.socket.written[0]).startsWith('GET / HTTP/1.1\r\n')).toBe(
      true,
    );
  });

  it('any chunking of response + stream bytes: opens once, and `rest` is exactly what followed the head', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.array(fc.nat(400), { maxLength: 12 }),
        (trailing, offsets) => {
          const run = start();
          const head = response(run.key);
          const chunks = cut(concat(head, trailing), offsets);
          const rest: Uint8Array[] = [];
          for (const chunk of chunks) {
            if (run.results.length === 0) run.socket.emit('data', Buffer.from(chunk));
            else rest.push(chunk); // what the connection's own listener would get
          }
          expect(run.results).toHaveLength(1);
          const { error, outcome } = run.results[0]!;
          expect(error).toBeUndefined();
          expect(outcome!.head.status).toBe(101);
          expect([...concat(outcome!.rest, ...rest)]).toEqual([...trailing]);
          // Handed over untouched: no listener of the handshake is left on the socket.
          expect(run.socket.listenerCount('data')).toBe(0);
          expect(run.socket.listenerCount('error')).toBe(0);
          expect(run.socket.destroyed).toBe(false);
        },
      ),
    );
  });

  it('any bytes from the server: exactly one result, never a throw, and a failure destroys the socket', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 200 }), { maxLength: 10 }),
        (chunks) => {
          const run = start({ headLimits: { maxHeaderBytes: 512 } });
          for (const chunk of chunks)
            if (run.results.length === 0) run.socket.emit('data', Buffer.from(chunk));
          run.socket.emit('end');
          expect(run.results).toHaveLength(1);
          if (run.results[0]!.error !== undefined) expect(run.socket.destroyed).toBe(true);
        },
      ),
    );
  });

  it('a socket error after the failure goes nowhere', () => {
    const run = start();
    run.socket.emit('data', Buffer.from('HTTP/1.1 500 Oops\r\n\r\n'));
    expect(run.results[0]!.error!.kind).toBe('unexpected-status');
    expect(() => run.socket.emit('error', new Error('late ECONNRESET'))).not.toThrow();
    expect(run.results).toHaveLength(1);
  });

  it('names the phase a socket error happened in', () => {
    const connecting = new FakeSocket();
    connecting.connecting = true;
    const tls = start({ secure: true }, connecting);
    tls.socket.emit('connect');
    tls.socket.emit('error', Object.assign(new Error('reset during TLS'), { code: 'ECONNRESET' }));
    expect(tls.results[0]!.error!.kind).toBe('tls');

    const socket = new FakeSocket();
    socket.connecting = true;
    const secured = start({ secure: true }, socket);
    secured.socket.emit('connect');
    secured.socket.emit('secureConnect');
    secured.socket.emit('error', Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
    expect(secured.results[0]!.error!.kind).toBe('tcp');
  });

  it('an abort settles once, with the reason as the cause', () => {
    const controller = new AbortController();
    const run = start({ signal: controller.signal });
    controller.abort('why');
    controller.abort('again');
    run.handshake.abort();
    expect(run.results).toHaveLength(1);
    expect(run.results[0]!.error).toMatchObject({ kind: 'aborted', cause: 'why' });
    expect(run.socket.destroyed).toBe(true);
  });

  it('a socket that is already destroyed fails as closed', async () => {
    const socket = new FakeSocket();
    socket.destroyed = true;
    const run = start({}, socket);
    await until(() => run.results.length === 1);
    expect(run.results[0]!.error!.kind).toBe('closed');
  });

  it('many pending handshakes time out through one shared timer', async () => {
    const runs = Array.from({ length: 200 }, () => start({ timeout: 30 }));
    await until(() => runs.every((run) => run.results.length === 1), 'the timeouts');
    expect(
      runs.every((run) => run.results[0]!.error!.kind === 'timeout' && run.socket.destroyed),
    ).toBe(true);
  });

  it('a handshake that succeeds cancels its timeout', async () => {
    const run = start({ timeout: 20 });
    run.socket.emit('data', Buffer.from(response(run.key)));
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(run.results).toHaveLength(1);
    expect(run.results[0]!.error).toBeUndefined();
  });
});
