import { createMaskKeySource, encodeFrame, FrameError } from '@ws/frame';
import { describe, expect, it } from 'vitest';
import { ConnectionClosedError, Protocol, ProtocolError } from '../src/index.js';
import {
  bytes,
  clientFrame,
  closeCodeOf,
  closeFrame,
  collect,
  concat,
  Opcode,
  pump,
  sentFrames,
  serverFrame,
  types,
} from './helpers.js';

describe('messages (RFC 6455 §5.6)', () => {
  it('delivers a single-frame text message', () => {
    const { protocol, events } = collect();
    protocol.receive(clientFrame(Opcode.Text, 'Hello'));
    expect(events).toEqual([{ type: 'text', data: 'Hello' }]);
  });

  it('delivers a binary message inside one chunk as a view of that chunk, without a copy', () => {
    const { protocol, events } = collect();
    const chunk = clientFrame(Opcode.Binary, [1, 2, 3]);
    protocol.receive(chunk);
    const event = events[0]!;
    expect(event).toEqual({ type: 'binary', data: new Uint8Array([1, 2, 3]) });
    expect(event.type === 'binary' && event.data.buffer).toBe(chunk.buffer);
  });

  it('keeps a leading U+FEFF in a text message (it is content, not a byte-order mark)', () => {
    const { protocol, events } = collect();
    protocol.receive(clientFrame(Opcode.Text, '\uFEFFx'));
    expect(events).toEqual([{ type: 'text', data: '\uFEFFx' }]);
  });

  it('delivers empty text and binary messages', () => {
    const { protocol, events } = collect();
    protocol.receive(concat(clientFrame(Opcode.Text, ''), clientFrame(Opcode.Binary, [])));
    expect(events).toEqual([
      { type: 'text', data: '' },
      { type: 'binary', data: new Uint8Array(0) },
    ]);
  });

  it('delivers a frame spanning reads once it is complete, gathered once at its exact size', () => {
    const { protocol, events } = collect();
    const payload = new Uint8Array(100_000).map((_, i) => i & 0xff);
    const wire = clientFrame(Opcode.Binary, payload);
    protocol.receive(wire.slice(0, 5000));
    expect(events).toEqual([]);
    expect(protocol.bufferedBytes).toBe(100_000);
    protocol.receive(wire.slice(5000));
    expect(events).toEqual([{ type: 'binary', data: payload }]);
    expect(protocol.bufferedBytes).toBe(0);
  });
});

describe('masking (RFC 6455 §5.1, §5.3)', () => {
  it('a server fails the connection with 1002 on an unmasked frame', () => {
    const { protocol, events } = collect({ role: 'server' });
    protocol.receive(serverFrame(Opcode.Text, 'hi'));
    expect(types(events)).toEqual(['error:mask-required', 'close']);
    expect(events[1]).toEqual({ type: 'close', code: 1002, reason: '', wasClean: false });
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1002]);
    expect(protocol.shouldCloseTransport).toBe(true);
  });

  it('a client fails the connection with 1002 on a masked frame', () => {
    const { protocol, events } = collect({ role: 'client' });
    protocol.receive(clientFrame(Opcode.Text, 'hi'));
    expect(types(events)).toEqual(['error:mask-forbidden', 'close']);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1002]);
  });

  it('strict: false reports a masking violation and goes on', () => {
    const { protocol, events } = collect({ role: 'server', strict: false });
    protocol.receive(serverFrame(Opcode.Text, 'hi'));
    expect(events.length).toBe(2);
    const error = events[0]!;
    expect(error.type === 'error' && error.error.fatal).toBe(false);
    expect(events[1]).toEqual({ type: 'text', data: 'hi' });
    expect(protocol.state).toBe('open');
  });

  it('a client masks every frame with a fresh key from its key source; a server never masks', () => {
    let counter = 0;
    const source = createMaskKeySource((b) => {
      for (let i = 0; i < b.length; i++) b[i] = counter++ & 0xff;
    }, 8);
    const client = new Protocol({ role: 'client', maskKeySource: source });
    client.sendText('abc');
    client.sendBinary(new Uint8Array(20_000));
    const wire = concat(...client.bytesToSend());
    expect(wire[1]! & 0x80).toBe(0x80);
    expect([...wire.subarray(2, 6)]).toEqual([0, 1, 2, 3]);
    const server = new Protocol({ role: 'server' });
    server.sendText('abc');
    expect([...concat(...server.bytesToSend())]).toEqual([0x81, 3, 97, 98, 99]);
  });

  it('never changes the caller’s payload when masking', () => {
    const client = new Protocol({ role: 'client' });
    const small = new Uint8Array([1, 2, 3]);
    const large = new Uint8Array(70_000).fill(9);
    client.sendBinary(small);
    client.sendBinary(large);
    client.bytesToSend();
    expect([...small]).toEqual([1, 2, 3]);
    expect(large.every((b) => b === 9)).toBe(true);
  });
});

describe('reserved bits and opcodes (RFC 6455 §5.2)', () => {
  it('fails with 1002 on RSV1 when no extension was negotiated', () => {
    const { protocol, events } = collect();
    protocol.receive(clientFrame(Opcode.Text, 'x', { rsv1: true }));
    expect(types(events)).toEqual(['error:reserved-bits', 'close']);
  });

  it('fails with 1002 on a reserved opcode', () => {
    const { protocol, events } = collect();
    const frame = clientFrame(Opcode.Text, 'x');
    frame[0] = 0x83;
    protocol.receive(frame);
    expect(types(events)).toEqual(['error:reserved-opcode', 'close']);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1002]);
  });
});

describe('fragmentation (RFC 6455 §5.4)', () => {
  it('assembles a fragmented text message', () => {
    const { protocol, events } = collect();
    protocol.receive(clientFrame(Opcode.Text, 'Hel', { fin: false }));
    protocol.receive(clientFrame(Opcode.Continuation, 'l', { fin: false }));
    expect(events).toEqual([]);
    protocol.receive(clientFrame(Opcode.Continuation, 'o'));
    expect(events).toEqual([{ type: 'text', data: 'Hello' }]);
  });

  it('assembles a fragmented binary message with empty fragments', () => {
    const { protocol, events } = collect();
    protocol.receive(
      concat(
        clientFrame(Opcode.Binary, [], { fin: false }),
        clientFrame(Opcode.Continuation, [1, 2], { fin: false }),
        clientFrame(Opcode.Continuation, []),
      ),
    );
    expect(events).toEqual([{ type: 'binary', data: new Uint8Array([1, 2]) }]);
  });

  it('handles control frames between fragments (§5.4: they MAY be injected)', () => {
    const { protocol, events } = collect();
    protocol.receive(
      concat(
        clientFrame(Opcode.Text, 'a', { fin: false }),
        clientFrame(Opcode.Ping, 'p'),
        clientFrame(Opcode.Pong, 'q'),
        clientFrame(Opcode.Continuation, 'b'),
      ),
    );
    expect(events).toEqual([
      { type: 'ping', data: bytes('p') },
      { type: 'pong', data: bytes('q') },
      { type: 'text', data: 'ab' },
    ]);
    expect(sentFrames(protocol).map((f) => [f.opcode, [...f.payload]])).toEqual([
      [Opcode.Pong, [112]],
    ]);
  });

  it('fails with 1002 on a continuation frame without a message in progress', () => {
    const { protocol, events } = collect();
    protocol.receive(clientFrame(Opcode.Continuation, 'x'));
    expect(types(events)).toEqual(['error:unexpected-continuation', 'close']);
    const error = events[0]!;
    expect(error.type === 'error' && error.error).toBeInstanceOf(ProtocolError);
    expect(error.type === 'error' && error.error.closeCode).toBe(1002);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1002]);
  });

  it('fails with 1002 on a new data frame inside a fragmented message', () => {
    const { protocol, events } = collect();
    protocol.receive(
      concat(clientFrame(Opcode.Text, 'a', { fin: false }), clientFrame(Opcode.Binary, 'b')),
    );
    expect(types(events)).toEqual(['error:expected-continuation', 'close']);
  });

  it('fails with 1002 on RSV bits on a continuation frame', () => {
    const { protocol, events } = collect();
    protocol.receive(
      concat(
        clientFrame(Opcode.Text, 'a', { fin: false }),
        clientFrame(Opcode.Continuation, 'b', { rsv1: true }),
      ),
    );
    expect(types(events)).toEqual(['error:reserved-bits', 'close']);
  });

  it('sends a message in fragments of fragmentSize with FIN only on the last', () => {
    const server = new Protocol({ role: 'server' });
    server.sendBinary(new Uint8Array([1, 2, 3, 4, 5]), { fragmentSize: 2 });
    server.sendText('héllo', { fragmentSize: 4 });
    const frames = sentFrames(server).map((f) => [f.opcode, f.fin, [...f.payload]]);
    expect(frames).toEqual([
      [Opcode.Binary, false, [1, 2]],
      [Opcode.Continuation, false, [3, 4]],
      [Opcode.Continuation, true, [5]],
      [Opcode.Text, false, [104, 195, 169, 108]],
      [Opcode.Continuation, true, [108, 111]],
    ]);
    expect(() => server.sendText('x', { fragmentSize: 0 })).toThrow(RangeError);
  });
});

describe('ping and pong (RFC 6455 §5.5.2, §5.5.3)', () => {
  it('answers a ping with a pong carrying the same payload and reports both', () => {
    const { protocol, events } = collect();
    protocol.receive(clientFrame(Opcode.Ping, 'Hello'));
    expect(events).toEqual([{ type: 'ping', data: bytes('Hello') }]);
    expect([...concat(...protocol.bytesToSend())]).toEqual([0x8a, 5, ...bytes('Hello')]);
  });

  it('autoPong: false leaves pings to the application', () => {
    const { protocol, events } = collect({ autoPong: false });
    protocol.receive(clientFrame(Opcode.Ping, 'x'));
    expect(types(events)).toEqual(['ping']);
    expect(protocol.bytesToSend()).toEqual([]);
  });

  it('surfaces pongs and sends nothing back', () => {
    const { protocol, events } = collect();
    protocol.receive(clientFrame(Opcode.Pong, 'x'));
    expect(events).toEqual([{ type: 'pong', data: bytes('x') }]);
    expect(protocol.bytesToSend()).toEqual([]);
  });

  it('while writes are blocked, answers only the latest ping once unblocked (§5.5.3)', () => {
    const { protocol } = collect();
    protocol.writeBlocked = true;
    for (let i = 0; i < 1000; i++) protocol.receive(clientFrame(Opcode.Ping, `p${i}`));
    expect(protocol.pendingBytes).toBe(0);
    protocol.writeBlocked = false;
    const frames = sentFrames(protocol);
    expect(frames.map((f) => [f.opcode, new TextDecoder().decode(f.payload)])).toEqual([
      [Opcode.Pong, 'p999'],
    ]);
  });

  it('a burst of pings in one read gets pongs up to 16 KiB, then one for the latest (§5.5.3)', () => {
    const { protocol, events } = collect();
    const pings = [];
    for (let i = 0; i < 1000; i++) pings.push(clientFrame(Opcode.Ping, `${i}`.padStart(100, '.')));
    protocol.receive(concat(...pings));
    expect(events.length).toBe(1000);
    const pongs = sentFrames(protocol);
    expect(pongs.length).toBeLessThan(200);
    const texts = pongs.map((f) => new TextDecoder().decode(f.payload).replace(/^\.+/, ''));
    expect(texts.slice(0, 3)).toEqual(['0', '1', '2']);
    expect(texts.at(-1)).toBe('999');
  });

  it('sends pings and pongs, and rejects a payload over 125 bytes (§5.5)', () => {
    const server = new Protocol({ role: 'server' });
    server.ping('a');
    server.pong(new Uint8Array([1]));
    server.ping();
    expect(sentFrames(server).map((f) => [f.opcode, [...f.payload]])).toEqual([
      [Opcode.Ping, [97]],
      [Opcode.Pong, [1]],
      [Opcode.Ping, []],
    ]);
    expect(() => server.ping(new Uint8Array(126))).toThrow(RangeError);
    expect(() => server.pong('x'.repeat(126))).toThrow(RangeError);
  });
});

describe('UTF-8 (RFC 6455 §8.1)', () => {
  it('fails with 1007 on invalid UTF-8 in a text message', () => {
    const { protocol, events } = collect();
    protocol.receive(clientFrame(Opcode.Text, [0xce, 0xba, 0xff]));
    expect(types(events)).toEqual(['error:invalid-utf8', 'close']);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1007]);
  });

  it('fails at the piece holding the invalid byte, before the frame is complete', () => {
    const { protocol, events } = collect();
    const payload = new Uint8Array(1 << 20).fill(0x61);
    payload[1000] = 0xff;
    const wire = clientFrame(Opcode.Text, payload);
    protocol.receive(wire.slice(0, 500));
    expect(events).toEqual([]);
    protocol.receive(wire.slice(500, 2000));
    expect(types(events)).toEqual(['error:invalid-utf8', 'close']);
  });

  it('fails in the fragment holding the invalid byte, before the message is complete', () => {
    const { protocol, events } = collect();
    protocol.receive(clientFrame(Opcode.Text, 'ok', { fin: false }));
    protocol.receive(clientFrame(Opcode.Continuation, [0xc0, 0x80], { fin: false }));
    expect(types(events)).toEqual(['error:invalid-utf8', 'close']);
  });

  it('accepts a code point split across fragments and fails on one left unfinished', () => {
    const { protocol, events } = collect();
    protocol.receive(clientFrame(Opcode.Text, [0xe2, 0x82], { fin: false }));
    protocol.receive(clientFrame(Opcode.Continuation, [0xac]));
    expect(events).toEqual([{ type: 'text', data: '€' }]);
    protocol.receive(clientFrame(Opcode.Text, [0x61], { fin: false }));
    protocol.receive(clientFrame(Opcode.Continuation, [0xe2, 0x82]));
    expect(types(events)).toEqual(['text', 'error:invalid-utf8', 'close']);
  });

  it('fails with 1007 on a close reason that is not UTF-8', () => {
    const { protocol, events } = collect();
    protocol.receive(clientFrame(Opcode.Close, [0x03, 0xe8, 0xff]));
    expect(types(events)).toEqual(['error:invalid-utf8', 'close']);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1007]);
  });
});

describe('closing handshake (RFC 6455 §5.5.1, §7)', () => {
  it('answers a received close with the same code and processes nothing after it', () => {
    const { protocol, events } = collect();
    protocol.receive(concat(closeFrame(4001, 'bye'), clientFrame(Opcode.Text, 'late')));
    expect(events).toEqual([{ type: 'close', code: 4001, reason: 'bye', wasClean: true }]);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([4001]);
    protocol.receive(clientFrame(Opcode.Text, 'later'));
    expect(events.length).toBe(1);
    expect(protocol.state).toBe('closed');
    expect(protocol.shouldCloseTransport).toBe(true);
  });

  it('answers an empty close with 1000 and reports 1005', () => {
    const { protocol, events } = collect();
    protocol.receive(clientFrame(Opcode.Close));
    expect(events).toEqual([{ type: 'close', code: 1005, reason: '', wasClean: true }]);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1000]);
  });

  it.each([
    ['a 1-byte payload', [0x03]],
    ['code 1005', [0x03, 0xed]],
    ['code 999', [0x03, 0xe7]],
    ['code 2000', [0x07, 0xd0]],
  ])('fails with 1002 on a close frame with %s', (_, payload) => {
    const { protocol, events } = collect();
    protocol.receive(clientFrame(Opcode.Close, payload));
    expect(types(events)).toEqual(['error:invalid-close-payload', 'close']);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1002]);
  });

  it('after a local close, still reads data frames until the peer’s close', () => {
    let now = 1000;
    const { protocol, events } = collect({ now: () => now, closeTimeout: 250 });
    protocol.close(1001, 'going');
    expect(protocol.state).toBe('closing');
    expect(protocol.closeDeadline).toBe(1250);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1001]);
    protocol.receive(clientFrame(Opcode.Text, 'still'));
    // §5.5.1: no pong (or anything else) after our Close.
    protocol.receive(clientFrame(Opcode.Ping, 'p'));
    expect(protocol.bytesToSend()).toEqual([]);
    now = 1100;
    protocol.receive(closeFrame(1001));
    expect(events).toEqual([
      { type: 'text', data: 'still' },
      { type: 'ping', data: bytes('p') },
      { type: 'close', code: 1001, reason: '', wasClean: true },
    ]);
    expect(protocol.bytesToSend()).toEqual([]);
    expect(protocol.closeDeadline).toBe(1250);
  });

  it('both sides closing at once: each sends one close, both end clean', () => {
    const a = collect({ role: 'server' });
    const b = collect({ role: 'client' });
    a.protocol.close(1000, 'a');
    b.protocol.close(1001, 'b');
    pump(a.protocol, b.protocol);
    expect(a.events).toEqual([{ type: 'close', code: 1001, reason: 'b', wasClean: true }]);
    expect(b.events).toEqual([{ type: 'close', code: 1000, reason: 'a', wasClean: true }]);
  });

  it('a client waits for the server to close the transport (§7.1.1); a server closes it', () => {
    const server = collect({ role: 'server' });
    const client = collect({ role: 'client' });
    client.protocol.close();
    pump(client.protocol, server.protocol);
    expect(server.protocol.shouldCloseTransport).toBe(true);
    expect(client.protocol.state).toBe('closed');
    expect(client.protocol.shouldCloseTransport).toBe(false);
    client.protocol.receiveEof();
    expect(client.protocol.shouldCloseTransport).toBe(true);
    expect(types(client.events)).toEqual(['close']);
  });

  it('close() with no code sends a Close frame without a body; the peer reports 1005', () => {
    const server = collect({ role: 'server' });
    server.protocol.close();
    const out = concat(...server.protocol.bytesToSend());
    // §5.5.1: the body is optional: FIN + opcode 0x8, payload length 0.
    expect([...out]).toEqual([0x88, 0x00]);
    const client = collect({ role: 'client' });
    client.protocol.receive(out);
    expect(client.events).toEqual([{ type: 'close', code: 1005, reason: '', wasClean: true }]);
  });

  it('a client close() with no code: masked, empty; 1005 locally when the answer has no code', () => {
    const client = collect({ role: 'client' });
    client.protocol.close();
    const frames = sentFrames(client.protocol);
    expect(frames.map((f) => [f.opcode, f.payload.length])).toEqual([[Opcode.Close, 0]]);
    client.protocol.receive(serverFrame(Opcode.Close));
    expect(client.events).toEqual([{ type: 'close', code: 1005, reason: '', wasClean: true }]);
  });

  it('close(1000) still sends 1000, and a reason without a code is misuse', () => {
    const { protocol } = collect();
    expect(() => protocol.close(undefined, 'why')).toThrow(RangeError);
    expect(protocol.state).toBe('open');
    protocol.close(1000);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1000]);
  });

  it('validates close arguments at once, and a second close does nothing', () => {
    const { protocol } = collect();
    expect(() => protocol.close(1005)).toThrow(RangeError);
    expect(() => protocol.close(1006)).toThrow(RangeError);
    expect(() => protocol.close(999)).toThrow(RangeError);
    expect(() => protocol.close(5000)).toThrow(RangeError);
    expect(() => protocol.close(1000, 'x'.repeat(124))).toThrow(RangeError);
    expect(() => protocol.close(1000, 'é'.repeat(62))).toThrow(RangeError);
    expect(protocol.state).toBe('open');
    protocol.close(3000, 'x'.repeat(123));
    protocol.close(1000);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([3000]);
  });

  it('sending after close is an error, not a silent drop', () => {
    const { protocol } = collect();
    protocol.close();
    expect(() => protocol.sendText('x')).toThrow(ConnectionClosedError);
    expect(() => protocol.sendBinary(new Uint8Array(1))).toThrow(ConnectionClosedError);
    expect(() => protocol.ping()).toThrow(ConnectionClosedError);
    const other = collect();
    other.protocol.receive(closeFrame(1000));
    expect(() => other.protocol.sendText('x')).toThrow(ConnectionClosedError);
    const ended = collect();
    ended.protocol.receiveEof();
    expect(() => ended.protocol.sendText('x')).toThrow(ConnectionClosedError);
  });

  it('reports 1006 when the transport ends without a close frame, even mid-frame', () => {
    const { protocol, events } = collect();
    protocol.receive(clientFrame(Opcode.Text, 'hello').slice(0, 4));
    protocol.receiveEof();
    expect(events).toEqual([{ type: 'close', code: 1006, reason: '', wasClean: false }]);
    expect(protocol.shouldCloseTransport).toBe(true);
    protocol.receiveEof();
    expect(events.length).toBe(1);
  });

  it('reports exactly one close when the transport ends after a clean close', () => {
    const { protocol, events } = collect();
    protocol.receive(closeFrame(1000));
    protocol.receiveEof();
    expect(types(events)).toEqual(['close']);
  });

  it('a protocol failure discards the rest of the input (§7.1.7)', () => {
    const { protocol, events } = collect();
    protocol.receive(
      concat(
        clientFrame(Opcode.Text, 'first'),
        clientFrame(Opcode.Continuation, 'bad'),
        clientFrame(Opcode.Text, 'after'),
        closeFrame(1000),
      ),
    );
    expect(types(events)).toEqual(['text', 'error:unexpected-continuation', 'close']);
    protocol.receive(clientFrame(Opcode.Text, 'later'));
    expect(events.length).toBe(3);
    expect(sentFrames(protocol).map(closeCodeOf)).toEqual([1002]);
  });

  it('a failure after a local close sends no second close frame', () => {
    const { protocol, events } = collect();
    protocol.close(1000);
    protocol.bytesToSend();
    protocol.receive(clientFrame(Opcode.Continuation, 'x'));
    expect(types(events)).toEqual(['error:unexpected-continuation', 'close']);
    expect(protocol.bytesToSend()).toEqual([]);
  });
});

describe('sans-I/O surface', () => {
  it('queues events for takeEvents() when no onEvent is given', () => {
    const protocol = new Protocol({ role: 'server' });
    protocol.receive(clientFrame(Opcode.Text, 'a'));
    expect(protocol.takeEvents()).toEqual([{ type: 'text', data: 'a' }]);
    expect(protocol.takeEvents()).toEqual([]);
  });

  it('calls onOutput once when bytes become available, again after they were taken', () => {
    let calls = 0;
    const protocol = new Protocol({ role: 'server', onOutput: () => calls++ });
    protocol.sendText('a');
    protocol.sendText('b');
    expect(calls).toBe(1);
    const parts = protocol.bytesToSend();
    expect(parts.length).toBe(1);
    expect(protocol.pendingBytes).toBe(0);
    protocol.sendText('c');
    expect(calls).toBe(2);
  });

  it('puts every small frame of one batch in one buffer, and a large payload as its own part', () => {
    const protocol = new Protocol({ role: 'server' });
    const large = new Uint8Array(100_000);
    for (let i = 0; i < 10; i++) protocol.sendText(`message ${i}`);
    protocol.sendBinary(large);
    protocol.sendText('after');
    const parts = protocol.bytesToSend();
    expect(parts.length).toBe(3);
    expect(parts[1]).toBe(large);
  });

  it('encodes non-ASCII and long text correctly', () => {
    const server = new Protocol({ role: 'server' });
    const client = collect({ role: 'client' });
    const texts = [
      'héllo',
      'x'.repeat(125),
      'y'.repeat(126),
      '€'.repeat(50),
      'a'.repeat(70_000),
      '😀',
    ];
    for (const text of texts) server.sendText(text);
    for (const part of server.bytesToSend()) client.protocol.receive(part);
    expect(client.events).toEqual(texts.map((data) => ({ type: 'text', data })));
  });

  it('uses allocateUninitialized only for a frame it overwrites completely', () => {
    const allocated: Uint8Array[] = [];
    const { protocol, events } = collect({
      allocateUninitialized: (size) => {
        const buffer = new Uint8Array(size).fill(0xaa);
        allocated.push(buffer);
        return buffer;
      },
    });
    const single = clientFrame(Opcode.Binary, new Uint8Array(3000).fill(1));
    protocol.receive(single.slice(0, 1000));
    protocol.receive(single.slice(1000));
    expect(allocated.length).toBe(1);
    const first = events[0]!;
    expect(first.type === 'binary' && first.data.buffer).toBe(allocated[0]!.buffer);
    expect(first.type === 'binary' && first.data.every((b) => b === 1)).toBe(true);
    // A fragmented message grows by doubling: its slack is visible through data.buffer, so it
    // is never uninitialized memory.
    protocol.receive(clientFrame(Opcode.Binary, [2, 2], { fin: false }));
    protocol.receive(clientFrame(Opcode.Continuation, [3]));
    expect(allocated.length).toBe(1);
    const second = events[1]!;
    expect(second.type === 'binary' && [...new Uint8Array(second.data.buffer)].includes(0xaa)).toBe(
      false,
    );
  });

  it('rejects bad arguments with TypeError / RangeError', () => {
    expect(() => new Protocol({ role: 'peer' as 'server' })).toThrow(TypeError);
    expect(() => new Protocol({ role: 'server', closeTimeout: -1 })).toThrow(RangeError);
    const protocol = new Protocol({ role: 'server' });
    expect(() => protocol.sendText(1 as unknown as string)).toThrow(TypeError);
    expect(() => protocol.sendBinary('x' as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => protocol.receive('x' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('accepts ArrayBuffer and other views for binary messages', () => {
    const server = new Protocol({ role: 'server' });
    const client = collect({ role: 'client' });
    server.sendBinary(new Uint8Array([1, 2]).buffer);
    server.sendBinary(new Uint16Array([0x0201]));
    for (const part of server.bytesToSend()) client.protocol.receive(part);
    expect(client.events).toEqual([
      { type: 'binary', data: new Uint8Array([1, 2]) },
      { type: 'binary', data: new Uint8Array([1, 2]) },
    ]);
  });

  it('never throws on input from the peer: a FrameError for wire errors', () => {
    const { protocol, events } = collect();
    expect(() => protocol.receive(encodeFrame({ opcode: 1, payload: bytes('x') }))).not.toThrow();
    const event = events[0]!;
    expect(event.type === 'error' && event.error).toBeInstanceOf(FrameError);
  });
});
