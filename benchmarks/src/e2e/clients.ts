import { connect } from '@ws/client';
import WebSocket from 'ws';
import { burstSizes } from '../payloads.js';

/**
 * WebSocket clients driven by the client sections, in this process (ours, `ws`): each holds
 * one connection to an echo server and sends `count` copies of a payload, `burst` at a time,
 * waiting for a burst's echoes before the next. An echo of the wrong type or length is a problem.
 */
export interface EchoClient {
  readonly name: string;
  /** Sends `count` messages `burst` at a time; resolves with a problem, or undefined. */
  echo(payload: Uint8Array, count: number, burst: number): Promise<string | undefined>;
  /** Sends each payload once and resolves with the echoes, bytes as received. */
  echoEach(payloads: readonly Uint8Array[]): Promise<Uint8Array[]>;
  close(): Promise<void>;
}

export function wsUrl(port: number): string {
  return `ws://127.0.0.1:${port}/`;
}

function ignore(): void {}

/** `@ws/client` `connect()` without compression, messages read with `receive()`. */
export async function openOurs(port: number): Promise<EchoClient> {
  const conn = await connect(wsUrl(port), { perMessageDeflate: false });
  const receiveOne = async (): Promise<Uint8Array | string> => {
    const message = await conn.receive();
    if (message instanceof Error) return `got an error instead of a message: ${message.message}`;
    if (message.type === 'binary') return message.data;
    return `got a ${message.type} message instead of binary`;
  };
  return {
    name: 'ours',
    async echo(payload, count, burst) {
      for (const size of burstSizes(count, burst)) {
        for (let i = 0; i < size; i++) conn.sendBinary(payload).catch(ignore);
        for (let i = 0; i < size; i++) {
          const data = await receiveOne();
          if (typeof data === 'string') return data;
          if (data.length !== payload.length)
            return `an echo of ${payload.length} B came back as ${data.length} B`;
        }
      }
      return undefined;
    },
    async echoEach(payloads) {
      const out: Uint8Array[] = [];
      for (const payload of payloads) {
        conn.sendBinary(payload).catch(ignore);
        const data = await receiveOne();
        if (typeof data === 'string') throw new Error(data);
        out.push(data);
      }
      return out;
    },
    async close() {
      await conn.close();
    },
  };
}

/** `ws`'s client (with bufferutil), without compression, messages through its 'message' event. */
export async function openWs(port: number): Promise<EchoClient> {
  const socket = new WebSocket(wsUrl(port), { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  let waiting = 0;
  let expectedLength = 0;
  let problem: string | undefined;
  let done: (() => void) | undefined;
  let collected: Uint8Array[] | undefined;
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    if (collected) collected.push(data);
    else if (!isBinary) problem ??= 'got a text message instead of binary';
    else if (data.length !== expectedLength)
      problem ??= `an echo of ${expectedLength} B came back as ${data.length} B`;
    if (--waiting === 0) done?.();
  });
  const settle = (count: number) =>
    new Promise<void>((resolve) => {
      waiting = count;
      done = resolve;
    });
  return {
    name: 'ws',
    async echo(payload, count, burst) {
      expectedLength = payload.length;
      problem = undefined;
      for (const size of burstSizes(count, burst)) {
        const echoed = settle(size);
        for (let i = 0; i < size; i++) socket.send(payload, { binary: true });
        await echoed;
      }
      return problem;
    },
    async echoEach(payloads) {
      collected = [];
      for (const payload of payloads) {
        const echoed = settle(1);
        socket.send(payload, { binary: true });
        await echoed;
      }
      const out = collected;
      collected = undefined;
      return out;
    },
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.close();
      await closed;
    },
  };
}
