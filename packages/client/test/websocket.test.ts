import { Opcode } from '@ws/frame';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseEvent, ErrorEvent, WebSocket } from '../src/index.js';
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

/** A server that answers 101 and then echoes every data frame; `peers` keeps what it saw. */
async function echoServer(): Promise<{
  peers: { peer: Peer; seen: ReturnType<typeof clientFrames> }[];
}> {
  const state = { peers: [] as { peer: Peer; seen: ReturnType<typeof clientFrames> }[] };
  server = await scriptedServer((peer) => {
    const protocol = peer.header('sec-websocket-protocol')?.split(',')[0]?.trim();
    peer.socket.write(switching(peer, protocol ? [`Sec-WebSocket-Protocol: ${protocol}`] : []));
    const seen = clientFrames(peer.socket);
    state.peers.push({ peer, seen });
    let echoed = 0;
    peer.socket.on('data', () => {
      for (; echoed < seen.frames.length; echoed++) {
        const frame = seen.frames[echoed]!;
        if (frame.opcode === Opcode.Close) {
          peer.socket.end(serverFrame(Opcode.Close, frame.payload));
          return;
        }
        peer.socket.write(serverFrame(frame.opcode, frame.payload));
      }
    });
  });
  return state;
}

function events(ws: WebSocket): string[] {
  const log: string[] = [];
  ws.addEventListener('open', () => log.push('open'));
  ws.addEventListener('message', (e) => log.push(`message:${String((e as MessageEvent).data)}`));
  ws.addEventListener('error', () => log.push('error'));
  ws.addEventListener('close', (e) => {
    const c = e as CloseEvent;
    log.push(`close:${c.code}:${c.reason}:${c.wasClean}`);
  });
  return log;
}

const closed = (ws: WebSocket): Promise<CloseEvent> =>
  new Promise((resolve) => ws.addEventListener('close', (e) => resolve(e as CloseEvent)));
const opened = (ws: WebSocket): Promise<void> =>
  new Promise((resolve, reject) => {
    ws.addEventListener('open', () => resolve());
    ws.addEventListener('close', () => reject(new Error('closed before open')));
  });

describe('WebSocket: the interface', () => {
  it('has the readyState constants on the class and on instances', () => {
    expect([WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED]).toEqual([
      0, 1, 2, 3,
    ]);
    expect(WebSocket.prototype.OPEN).toBe(1);
    expect(Object.keys(WebSocket.prototype)).toEqual(['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']);
  });

  it('is an EventTarget', async () => {
    server = await scriptedServer(() => {});
    const ws = new WebSocket(server.url);
    expect(ws).toBeInstanceOf(EventTarget);
    ws.close();
    await closed(ws);
  });

  it('throws SyntaxError for bad URLs and protocols, before connecting', async () => {
    server = await scriptedServer(() => {});
    const syntax = (f: () => unknown) => {
      expect(f).toThrow(DOMException);
      try {
        f();
      } catch (e) {
        expect((e as DOMException).name).toBe('SyntaxError');
      }
    };
    syntax(() => new WebSocket('not a url'));
    syntax(() => new WebSocket('ftp://example.com/'));
    syntax(() => new WebSocket(`${server!.url}#frag`));
    syntax(() => new WebSocket(`${server!.url}#`));
    syntax(() => new WebSocket(`${server!.url}a\r\nInjected: 1`));
    syntax(() => new WebSocket(server!.url, ['a', 'a']));
    syntax(() => new WebSocket(server!.url, 'not a token'));
    syntax(() => new WebSocket(server!.url, ['ok', 'bad,comma']));
    expect(() => new (WebSocket as unknown as new () => WebSocket)()).toThrow(TypeError);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.connections).toBe(0);
  });

  it('turns http(s) URLs into ws(s) URLs', async () => {
    await echoServer();
    const ws = new WebSocket(server!.url.replace('ws:', 'http:'));
    expect(ws.url).toBe(server!.url);
    await opened(ws);
    ws.close();
    await closed(ws);
  });

  it('binaryType is blob by default and ignores values outside the enumeration', async () => {
    server = await scriptedServer(() => {});
    const ws = new WebSocket(server.url);
    expect(ws.binaryType).toBe('blob');
    ws.binaryType = 'arraybuffer';
    expect(ws.binaryType).toBe('arraybuffer');
    ws.binaryType = 'nodebuffer' as 'blob';
    expect(ws.binaryType).toBe('arraybuffer');
    ws.close();
    await closed(ws);
  });
});

describe('WebSocket: life cycle', () => {
  it('readyState goes CONNECTING → OPEN → CLOSING → CLOSED', async () => {
    await echoServer();
    const ws = new WebSocket(server!.url);
    const states: number[] = [ws.readyState];
    ws.onopen = () => {
      states.push(ws.readyState);
      ws.close(1000, 'done');
      states.push(ws.readyState);
    };
    const close = await closed(ws);
    states.push(ws.readyState);
    expect(states).toEqual([0, 1, 2, 3]);
    expect(close).toBeInstanceOf(CloseEvent);
    expect([close.code, close.reason, close.wasClean]).toEqual([1000, 'done', true]);
  });

  it('close() with no arguments sends a Close frame without a body; the echo reads as 1005', async () => {
    const { peers } = await echoServer();
    const ws = new WebSocket(server!.url);
    ws.onopen = () => ws.close();
    const close = await closed(ws);
    const sent = peers[0]!.seen.frames.find((frame) => frame.opcode === Opcode.Close)!;
    expect(sent.payload.length).toBe(0);
    expect([close.code, close.reason, close.wasClean]).toEqual([1005, '', true]);
  });

  it('close(undefined, reason) with a reason still sends 1000 and the reason', async () => {
    const { peers } = await echoServer();
    const ws = new WebSocket(server!.url);
    ws.onopen = () => ws.close(undefined, 'bye');
    const close = await closed(ws);
    const sent = peers[0]!.seen.frames.find((frame) => frame.opcode === Opcode.Close)!;
    expect([...sent.payload.subarray(0, 2)]).toEqual([0x03, 0xe8]);
    expect([close.code, close.reason]).toEqual([1000, 'bye']);
  });

  it('events come in order open → message → close, even when all arrive with the 101', async () => {
    server = await scriptedServer((peer) => {
      peer.socket.end(
        Buffer.concat([
          Buffer.from(switching(peer)),
          serverFrame(Opcode.Text, 'one'),
          serverFrame(Opcode.Text, 'two'),
          closeFrame(4001, 'bye'),
        ]),
      );
    });
    const ws = new WebSocket(server.url);
    const log = events(ws);
    const states: number[] = [];
    ws.addEventListener('open', () => states.push(ws.readyState));
    ws.addEventListener('message', () => states.push(ws.readyState));
    ws.addEventListener('close', () => states.push(ws.readyState));
    await closed(ws);
    expect(log).toEqual(['open', 'message:one', 'message:two', 'close:4001:bye:true']);
    // The Close was read with the rest, but each event sees the state of its own moment.
    expect(states).toEqual([1, 1, 1, 3]);
  });

  it('a failed handshake: error, then close with 1006', async () => {
    server = await scriptedServer((peer) => peer.socket.end('HTTP/1.1 404 Not Found\r\n\r\n'));
    const ws = new WebSocket(server.url);
    const log = events(ws);
    let error: Event | undefined;
    ws.onerror = (e) => {
      error = e;
      expect(ws.readyState).toBe(WebSocket.CLOSED);
    };
    await closed(ws);
    expect(log).toEqual(['error', 'close:1006::false']);
    expect(error).toBeInstanceOf(ErrorEvent);
    expect((error as ErrorEvent).error).toMatchObject({ kind: 'unexpected-status', status: 404 });
  });

  it('close() while connecting gives up: CLOSING, then error and close 1006', async () => {
    server = await scriptedServer(() => {});
    const ws = new WebSocket(server.url);
    const log = events(ws);
    ws.close();
    expect(ws.readyState).toBe(WebSocket.CLOSING);
    await closed(ws);
    expect(log).toEqual(['error', 'close:1006::false']);
  });

  it('a protocol error from the server: error, then an unclean close', async () => {
    server = await scriptedServer((peer) => {
      peer.socket.write(switching(peer));
      // §5.1: a server MUST NOT mask.
      peer.socket.write(Buffer.from([0x81, 0x81, 1, 2, 3, 4, 0x61 ^ 1]));
    });
    const ws = new WebSocket(server.url);
    const log = events(ws);
    const close = await closed(ws);
    expect(log.slice(0, 2)).toEqual(['open', 'error']);
    expect(close.wasClean).toBe(false);
    // RFC 6455 §7.1.5: no Close frame was received, so the close code is 1006 (the server was sent 1002).
    expect(close.code).toBe(1006);
  });

  it('negotiates a subprotocol and reports it in `protocol`', async () => {
    await echoServer();
    const ws = new WebSocket(server!.url, ['v2', 'v1']);
    expect(ws.protocol).toBe('');
    await opened(ws);
    expect(ws.protocol).toBe('v2');
    expect(ws.extensions).toBe('');
    expect(server!.requests[0]!.headers).toContainEqual(['Sec-WebSocket-Protocol', 'v2, v1']);
    ws.close();
    await closed(ws);
  });

  it('takes headers through the third argument, and the undici form', async () => {
    await echoServer();
    const a = new WebSocket(server!.url, [], { headers: { 'X-Token': 'abc' } });
    await opened(a);
    const b = new WebSocket(server!.url, { protocols: 'p', headers: { 'X-Token': 'def' } });
    await opened(b);
    expect(b.protocol).toBe('p');
    expect(server!.requests.map((r) => r.headers.find(([n]) => n === 'X-Token')?.[1])).toEqual([
      'abc',
      'def',
    ]);
    a.close();
    b.close();
    await Promise.all([closed(a), closed(b)]);
  });
});

describe('WebSocket: after close()', () => {
  it('messages that arrive while CLOSING are not delivered', async () => {
    let peer: Peer | undefined;
    server = await scriptedServer((p) => {
      peer = p;
      p.socket.write(switching(p));
    });
    const ws = new WebSocket(server.url);
    const log = events(ws);
    await opened(ws);
    ws.close(1000);
    peer!.socket.write(serverFrame(Opcode.Text, 'too late'));
    peer!.socket.end(closeFrame(1000));
    await closed(ws);
    expect(log).toEqual(['open', 'close:1000::true']);
  });

  it('bad options throw TypeError from the constructor, before connecting', async () => {
    server = await scriptedServer(() => {});
    expect(() => new WebSocket(server!.url, [], { headers: { 'X-A': 'a\r\nb' } })).toThrow(
      TypeError,
    );
    expect(() => new WebSocket(server!.url, [], { handshakeTimeout: -1 })).toThrow(RangeError);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.connections).toBe(0);
  });
});

describe('WebSocket: close() argument checks', () => {
  it('accepts only 1000 and 3000–4999 (InvalidAccessError)', async () => {
    server = await scriptedServer(() => {});
    const ws = new WebSocket(server.url);
    for (const code of [0, 999, 1001, 1005, 1006, 1011, 2999, 5000, 65535]) {
      try {
        ws.close(code);
        expect.unreachable(`close(${code}) should throw`);
      } catch (e) {
        expect((e as DOMException).name).toBe('InvalidAccessError');
      }
    }
    expect(ws.readyState).toBe(WebSocket.CONNECTING);
    ws.close(3000);
    await closed(ws);
    // The checks still run once closed; valid calls then do nothing.
    expect(() => ws.close(1001)).toThrow(DOMException);
    ws.close(4999, 'late');
    expect(ws.readyState).toBe(WebSocket.CLOSED);
  });

  it('limits the reason to 123 UTF-8 bytes (SyntaxError)', async () => {
    server = await scriptedServer(() => {});
    const ws = new WebSocket(server.url);
    for (const reason of ['x'.repeat(124), 'é'.repeat(62), '€'.repeat(42)]) {
      try {
        ws.close(1000, reason);
        expect.unreachable('should throw');
      } catch (e) {
        expect((e as DOMException).name).toBe('SyntaxError');
      }
    }
    ws.close(1000, `${'é'.repeat(61)}x`);
    await closed(ws);
  });

  it('sends the code and reason in the Close frame', async () => {
    const state = await echoServer();
    const ws = new WebSocket(server!.url);
    ws.onopen = () => ws.close(4321, 'why');
    const close = await closed(ws);
    const frame = state.peers[0]!.seen.frames.find((f) => f.opcode === Opcode.Close)!;
    expect((frame.payload[0]! << 8) | frame.payload[1]!).toBe(4321);
    expect(Buffer.from(frame.payload.subarray(2)).toString()).toBe('why');
    expect([close.code, close.reason, close.wasClean]).toEqual([4321, 'why', true]);
  });
});

describe('WebSocket: send and bufferedAmount', () => {
  it('send() while CONNECTING throws InvalidStateError', async () => {
    server = await scriptedServer(() => {});
    const ws = new WebSocket(server.url);
    try {
      ws.send('too early');
      expect.unreachable('should throw');
    } catch (e) {
      expect((e as DOMException).name).toBe('InvalidStateError');
    }
    ws.close();
    await closed(ws);
  });

  it('counts UTF-8 and binary bytes until they are written, then drops to 0', async () => {
    await echoServer();
    const ws = new WebSocket(server!.url);
    await opened(ws);
    ws.send('abc');
    ws.send('é€');
    ws.send(new Uint8Array(10));
    ws.send(new ArrayBuffer(7));
    ws.send(new DataView(new ArrayBuffer(8), 2, 4));
    expect(ws.bufferedAmount).toBe(3 + 5 + 10 + 7 + 4);
    await until(() => ws.bufferedAmount === 0, 'bufferedAmount to drain');
    ws.close();
    await closed(ws);
  });

  it('after close(), send() only adds to bufferedAmount', async () => {
    const state = await echoServer();
    const ws = new WebSocket(server!.url);
    await opened(ws);
    ws.close();
    ws.send('dropped');
    expect(ws.bufferedAmount).toBe(7);
    await closed(ws);
    ws.send(new Uint8Array(3));
    expect(ws.bufferedAmount).toBe(10);
    const frames = state.peers[0]!.seen.frames;
    expect(frames.map((f) => f.opcode)).toEqual([Opcode.Close]);
  });

  it('sends strings, buffers, views and Blobs in call order, copying binary data', async () => {
    const state = await echoServer();
    const ws = new WebSocket(server!.url);
    ws.binaryType = 'arraybuffer';
    const received: unknown[] = [];
    ws.onmessage = (e) => received.push(e.data);
    await opened(ws);
    const buffer = new Uint8Array([1, 2, 3]);
    ws.send('first');
    ws.send(new Blob(['blob']));
    ws.send(buffer);
    buffer[0] = 99; // the standard copies at send(): this must not show
    ws.send(new Uint16Array([0x0102]).subarray(0, 1));
    ws.send(42 as unknown as string);
    await until(() => received.length === 5, 'the echoes');
    expect(received[0]).toBe('first');
    expect(new TextDecoder().decode(received[1] as ArrayBuffer)).toBe('blob');
    expect([...new Uint8Array(received[2] as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect((received[3] as ArrayBuffer).byteLength).toBe(2);
    expect(received[4]).toBe('42');
    expect(state.peers[0]!.seen.frames.map((f) => f.opcode)).toEqual([
      Opcode.Text,
      Opcode.Binary,
      Opcode.Binary,
      Opcode.Binary,
      Opcode.Text,
    ]);
    ws.close();
    await closed(ws);
  });

  it('delivers binary messages as Blob by default, ArrayBuffer when asked', async () => {
    await echoServer();
    const ws = new WebSocket(server!.url);
    const received: unknown[] = [];
    ws.onmessage = (e) => {
      received.push(e.data);
      if (received.length === 1) ws.binaryType = 'arraybuffer';
    };
    await opened(ws);
    ws.send(new Uint8Array([5, 6]));
    await until(() => received.length === 1, 'the first echo');
    ws.send(new Uint8Array([7]));
    await until(() => received.length === 2, 'the second echo');
    expect(received[0]).toBeInstanceOf(Blob);
    expect([...new Uint8Array(await (received[0] as Blob).arrayBuffer())]).toEqual([5, 6]);
    expect(received[1]).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(received[1] as ArrayBuffer)]).toEqual([7]);
    ws.close();
    await closed(ws);
  });

  it('messages carry the origin of the URL', async () => {
    await echoServer();
    const ws = new WebSocket(server!.url);
    await opened(ws);
    ws.send('o');
    const event = await new Promise<MessageEvent>((resolve) => {
      ws.onmessage = resolve as (e: Event) => void;
    });
    expect(event.origin).toBe(new URL(server!.url).origin);
    ws.close();
    await closed(ws);
  });
});

describe('WebSocket: onX handler attributes', () => {
  it('call the handler with this = the socket; null and non-functions remove it', async () => {
    await echoServer();
    const ws = new WebSocket(server!.url);
    expect(ws.onmessage).toBeNull();
    const calls: string[] = [];
    let self: unknown;
    ws.onopen = function (this: WebSocket) {
      self = this;
      calls.push('onopen');
    };
    ws.onmessage = () => calls.push('first handler');
    ws.onmessage = () => calls.push('second handler');
    ws.addEventListener('message', () => calls.push('listener'));
    ws.onerror = 'not a function' as unknown as null;
    expect(ws.onerror).toBeNull();
    await opened(ws);
    expect(self).toBe(ws);
    ws.send('a');
    await until(() => calls.length === 3, 'the first message');
    // The handler keeps the place it got when first set, ahead of the later listener.
    expect(calls).toEqual(['onopen', 'second handler', 'listener']);
    ws.onmessage = null;
    ws.send('b');
    await until(() => calls.length === 4, 'the second message');
    expect(calls[3]).toBe('listener');
    ws.onmessage = () => calls.push('re-added');
    ws.send('c');
    await until(() => calls.length === 6, 'the third message');
    // Removed and set again: now after the listener.
    expect(calls.slice(4)).toEqual(['listener', 're-added']);
    ws.close();
    await closed(ws);
  });
});
