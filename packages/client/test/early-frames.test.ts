import { Opcode } from '@ws/frame';
import { afterEach, describe, expect, it } from 'vitest';
import { type CloseEvent, connect, type ErrorEvent, WebSocket } from '../src/index.js';
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

/** §5.1: a server MUST NOT mask; a masked text frame "a". */
const MASKED_FRAME = Buffer.from([0x81, 0x81, 1, 2, 3, 4, 0x61 ^ 1]);

/**
 * A server that writes the 101 and `after` in one write (and, with `end`, its FIN in the same
 * call), then records what the client sends.
 */
async function oneWrite(
  after: Uint8Array,
  end = false,
): Promise<{ peers: ReturnType<typeof clientFrames>[] }> {
  const state = { peers: [] as ReturnType<typeof clientFrames>[] };
  server = await scriptedServer((peer: Peer) => {
    state.peers.push(clientFrames(peer.socket));
    const bytes = Buffer.concat([Buffer.from(switching(peer)), after]);
    if (end) peer.socket.end(bytes);
    else peer.socket.write(bytes);
  });
  return state;
}

/** The close code in the client's Close frame, once it has arrived. */
async function sentCloseCode(seen: ReturnType<typeof clientFrames>): Promise<number> {
  await until(() => seen.frames.some((f) => f.opcode === Opcode.Close), 'the client Close');
  const close = seen.frames.find((f) => f.opcode === Opcode.Close)!;
  return (close.payload[0]! << 8) | close.payload[1]!;
}

describe('frames in the same read as the 101', () => {
  it('connect(): a message read with the 101 is delivered', async () => {
    await oneWrite(serverFrame(Opcode.Text, 'hello'));
    const conn = await connect(server!.url);
    expect(await conn.receive()).toEqual({ type: 'text', data: 'hello' });
    conn.terminate();
  });

  it('connect(): a bad frame read with the 101 is answered with a 1002 Close and a typed error', async () => {
    const state = await oneWrite(MASKED_FRAME);
    const conn = await connect(server!.url);
    const errors: unknown[] = [];
    conn.on('error', (error) => errors.push(error));
    const result = await conn.receive();
    expect(result).toBeInstanceOf(Error);
    expect(result).toMatchObject({ closeCode: 1002, kind: 'mask-forbidden' });
    // The error was raised while the connection was being built, before any listener: it is
    // still a value from receive(), never an uncaught exception.
    expect(errors).toEqual([]);
    expect(await sentCloseCode(state.peers[0]!)).toBe(1002);
    expect((await conn.closed).code).toBe(1002);
  });

  it('connect(): a bad frame and the FIN read with the 101 still get the 1002 Close', async () => {
    const state = await oneWrite(MASKED_FRAME, true);
    const conn = await connect(server!.url);
    expect(await conn.receive()).toMatchObject({ closeCode: 1002, kind: 'mask-forbidden' });
    expect(await sentCloseCode(state.peers[0]!)).toBe(1002);
    expect((await conn.closed).code).toBe(1002);
  });

  it('connect(): invalid UTF-8 read with the 101 is answered with 1007', async () => {
    const state = await oneWrite(serverFrame(Opcode.Text, new Uint8Array([0xff, 0xfe])));
    const conn = await connect(server!.url);
    expect(await conn.receive()).toMatchObject({ closeCode: 1007 });
    expect(await sentCloseCode(state.peers[0]!)).toBe(1007);
  });

  it('connect(): a bad frame after a message, both read with the 101', async () => {
    const state = await oneWrite(Buffer.concat([serverFrame(Opcode.Text, 'first'), MASKED_FRAME]));
    const conn = await connect(server!.url);
    expect(await conn.receive()).toEqual({ type: 'text', data: 'first' });
    expect(await conn.receive()).toMatchObject({ closeCode: 1002 });
    expect(await sentCloseCode(state.peers[0]!)).toBe(1002);
  });

  it('connect(): a Close read with the 101 is echoed', async () => {
    const state = await oneWrite(closeFrame(4001, 'early'));
    const conn = await connect(server!.url);
    expect(await conn.receive()).toMatchObject({ type: 'close', code: 4001, reason: 'early' });
    expect(await sentCloseCode(state.peers[0]!)).toBe(4001);
  });

  it('WebSocket: a message read with the 101 is delivered after open', async () => {
    await oneWrite(serverFrame(Opcode.Text, 'hello'));
    const ws = new WebSocket(server!.url);
    const log: string[] = [];
    ws.onopen = () => log.push('open');
    const message = new Promise<string>((resolve) => {
      ws.onmessage = (e) => resolve(String((e as MessageEvent).data));
    });
    expect(await message).toBe('hello');
    expect(log).toEqual(['open']);
    ws.close();
  });

  it('WebSocket: a bad frame read with the 101 gives open, error (typed), close; 1002 is sent', async () => {
    const state = await oneWrite(MASKED_FRAME);
    const ws = new WebSocket(server!.url);
    const log: string[] = [];
    let error: unknown;
    ws.onopen = () => log.push('open');
    ws.onerror = (e) => {
      log.push('error');
      error = (e as ErrorEvent).error;
    };
    const close = await new Promise<CloseEvent>((resolve) => {
      ws.onclose = (e) => resolve(e as CloseEvent);
    });
    expect(log).toEqual(['open', 'error']);
    expect(error).toMatchObject({ closeCode: 1002 });
    expect(close.wasClean).toBe(false);
    expect(await sentCloseCode(state.peers[0]!)).toBe(1002);
  });
});
