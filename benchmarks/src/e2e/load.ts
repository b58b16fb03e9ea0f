import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { referenceFrame } from '../corpus.js';
import { Prng } from '../prng.js';

/**
 * A load generator that costs little CPU: raw node:net sockets, a handshake of fixed bytes,
 * frames encoded once up front (every message is the same masked frame), `inFlight` messages
 * pipelined per connection, and echoes counted by walking frame headers only (payloads are
 * skipped, never copied or unmasked).
 */

export interface LoadSpec {
  port: number;
  connections: number;
  inFlight: number;
  payloadSize: number;
  /** Messages each connection sends (and must get back). */
  messagesPerConnection: number;
  /** Hang guard: the round is abandoned after this long. */
  timeLimitMs: number;
}

export interface LoadResult {
  messages: number;
  seconds: number;
  payloadBytes: number;
  /** Round-trip time of every message, in microseconds (send of its frame → end of its echo). */
  latenciesUs: Float64Array;
  /** Set when the round did not complete (time limit, socket error). */
  problem?: string;
}

/** RFC 6455 §1.3 example key; its accept value is fixed. */
const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';
const MASK_KEY = Uint8Array.of(0x1d, 0x7e, 0xa3, 0x42);

export function handshakeRequest(port: number, key = KEY): string {
  return `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
}

/**
 * Counts whole frames in a byte stream from headers alone (RFC 6455 §5.2), masked or not,
 * whatever the chunking. `payloadOf` is only for checks: it gathers and unmasks payloads.
 */
export class FrameCounter {
  private remaining = 0;
  private readonly header = new Uint8Array(14);
  private headerLength = 0;
  private current: { key?: Uint8Array; parts: Uint8Array[] } | undefined;
  readonly payloads: Uint8Array[] = [];
  /** The first header byte (FIN, RSV, opcode) of every frame, kept with the payloads. */
  readonly firstBytes: number[] = [];

  constructor(private readonly keepPayloads = false) {}

  /** Returns how many frames ended in this chunk. */
  feed(chunk: Uint8Array): number {
    let frames = 0;
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        const take = Math.min(this.remaining, chunk.length - i);
        if (this.current) this.current.parts.push(chunk.slice(i, i + take));
        this.remaining -= take;
        i += take;
        if (this.remaining === 0) frames += this.finish();
        continue;
      }
      this.header[this.headerLength++] = chunk[i++]!;
      if (this.headerLength < 2) continue;
      const h = this.header;
      const len7 = h[1]! & 0x7f;
      const masked = (h[1]! & 0x80) !== 0;
      const size = (len7 === 126 ? 4 : len7 === 127 ? 10 : 2) + (masked ? 4 : 0);
      if (this.headerLength < size) continue;
      const length =
        len7 === 126
          ? (h[2]! << 8) | h[3]!
          : len7 === 127
            ? h[6]! * 2 ** 24 + (h[7]! << 16) + ((h[8]! << 8) | h[9]!)
            : len7;
      if (this.keepPayloads) {
        this.current = { ...(masked ? { key: h.slice(size - 4, size) } : {}), parts: [] };
        this.firstBytes.push(h[0]!);
      }
      this.headerLength = 0;
      this.remaining = length;
      if (length === 0) frames += this.finish();
    }
    return frames;
  }

  private finish(): number {
    if (this.current) {
      const payload = Buffer.concat(this.current.parts);
      const key = this.current.key;
      if (key) for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i & 3]!;
      this.payloads.push(payload);
      this.current = undefined;
    }
    return 1;
  }
}

/** Opens a connection and completes the opening handshake; resolves with any bytes after it. */
export function openConnection(port: number): Promise<{ socket: Socket; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    let head = Buffer.alloc(0);
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.on('error', fail);
    socket.on('connect', () => socket.write(handshakeRequest(port)));
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.off('error', fail);
      const text = head.subarray(0, end).toString('latin1');
      if (!text.startsWith('HTTP/1.1 101') || !text.includes(ACCEPT))
        return fail(new Error(`handshake refused: ${text.split('\r\n')[0]}`));
      resolve({ socket, rest: head.subarray(end + 4) });
    };
    socket.on('data', onData);
  });
}

/** Sends one frame of `payload` and returns the payload that came back (unmasked if it was masked). */
export async function echoOnce(port: number, payload: Uint8Array): Promise<Uint8Array> {
  const { socket, rest } = await openConnection(port);
  const counter = new FrameCounter(true);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no echo within 10 s'));
    }, 10_000);
    const onData = (chunk: Buffer) => {
      if (counter.feed(chunk) > 0) {
        clearTimeout(timer);
        socket.destroy();
        resolve(counter.payloads[0]!);
      }
    };
    socket.on('data', onData);
    socket.on('error', reject);
    if (rest.length > 0) onData(rest);
    socket.write(referenceFrame(payload, MASK_KEY));
  });
}

export interface LoadHooks {
  /** After every connection's handshake, before the clock starts (e.g. read the server's CPU). */
  beforeStart?(): Promise<void>;
  /** After the last echo, before the connections close. */
  afterDone?(): Promise<void>;
}

export async function runLoad(spec: LoadSpec, hooks: LoadHooks = {}): Promise<LoadResult> {
  const frame = referenceFrame(new Prng(spec.payloadSize).bytes(spec.payloadSize), MASK_KEY);
  const batch = Buffer.alloc(frame.length * spec.inFlight);
  for (let i = 0; i < spec.inFlight; i++) batch.set(frame, i * frame.length);
  const connections = await Promise.all(
    Array.from({ length: spec.connections }, () => openConnection(spec.port)),
  );
  const total = spec.connections * spec.messagesPerConnection;
  const latenciesUs = new Float64Array(total);
  let recorded = 0;
  let finished = 0;
  let problem: string | undefined;

  await hooks.beforeStart?.();
  const started = performance.now();
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      problem ??= `time limit of ${spec.timeLimitMs} ms reached after ${recorded}/${total} messages`;
      resolve();
    }, spec.timeLimitMs);
    const connectionDone = () => {
      if (++finished === connections.length) {
        clearTimeout(timer);
        resolve();
      }
    };
    for (const { socket, rest } of connections) {
      const counter = new FrameCounter();
      const sentAt = new Float64Array(spec.messagesPerConnection);
      let sent = 0;
      let received = 0;
      const send = (count: number) => {
        const n = Math.min(count, spec.messagesPerConnection - sent);
        if (n <= 0) return;
        const t = performance.now();
        for (let i = 0; i < n; i++) sentAt[sent + i] = t;
        sent += n;
        socket.write(batch.subarray(0, n * frame.length));
      };
      const onData = (chunk: Buffer) => {
        const echoed = counter.feed(chunk);
        if (echoed === 0) return;
        const t = performance.now();
        for (let i = 0; i < echoed && received < spec.messagesPerConnection; i++)
          latenciesUs[recorded++] = (t - sentAt[received++]!) * 1000;
        if (received >= spec.messagesPerConnection) {
          socket.off('data', onData);
          connectionDone();
          return;
        }
        send(echoed);
      };
      socket.on('data', onData);
      socket.on('error', (error) => {
        problem ??= `socket error: ${error.message}`;
        connectionDone();
      });
      if (rest.length > 0) onData(rest);
      send(spec.inFlight);
    }
  });
  await done;
  const seconds = (performance.now() - started) / 1000;
  await hooks.afterDone?.();
  for (const { socket } of connections) socket.destroy();
  return {
    messages: recorded,
    seconds,
    payloadBytes: recorded * spec.payloadSize,
    latenciesUs: latenciesUs.subarray(0, recorded),
    ...(problem === undefined ? {} : { problem }),
  };
}

/**
 * Opens `count` connections (handshakes `batch` at a time) and keeps them open and idle until
 * `whileOpen` has run; then closes them. Returns how long opening them took; a connection the
 * server closed before `whileOpen` finished is a problem.
 */
export async function holdConnections(
  port: number,
  count: number,
  whileOpen: (sockets: readonly Socket[]) => Promise<void>,
  batch = 50,
): Promise<{ opened: number; seconds: number; problem?: string }> {
  const sockets: Socket[] = [];
  let problem: string | undefined;
  let holding = true;
  const onClose = () => {
    if (holding) problem ??= 'the server closed an idle connection';
  };
  const started = performance.now();
  try {
    for (let left = count; left > 0; left -= batch) {
      const opened = await Promise.all(
        Array.from({ length: Math.min(batch, left) }, () => openConnection(port)),
      );
      for (const { socket } of opened) {
        socket.on('close', onClose);
        socket.on('error', ignore);
        sockets.push(socket);
      }
    }
  } catch (error) {
    problem = (error as Error).message;
  }
  const seconds = (performance.now() - started) / 1000;
  try {
    if (problem === undefined) await whileOpen(sockets);
  } finally {
    holding = false;
    for (const socket of sockets) socket.destroy();
  }
  return { opened: sockets.length, seconds, ...(problem === undefined ? {} : { problem }) };
}

function ignore(): void {}
