import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Prng } from '../prng.js';
import { handshakeRequest } from './load.js';

/**
 * The handshake workload's client: fresh connections, `concurrency` under way at once, each
 * TCP connect → upgrade request → 101 checked (status line, Upgrade, Sec-WebSocket-Accept) →
 * a Close frame (1000) → the server's Close (1000) → the server's FIN → socket closed.
 * Raw node:net sockets, keys and accept values computed up front, so the client costs little.
 */

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface HandshakeKey {
  key: string;
  accept: string;
}

/** `count` distinct Sec-WebSocket-Key values (RFC 6455 §4.1: 16 random bytes, base64) and their accept values. */
export function handshakeKeys(count: number, seed = 0x5eed): HandshakeKey[] {
  const prng = new Prng(seed);
  return Array.from({ length: count }, () => {
    const key = Buffer.from(prng.bytes(16)).toString('base64');
    // RFC 6455 §4.2.2: the server MUST answer base64(SHA-1(key + GUID)).
    const accept = createHash('sha1')
      .update(key + GUID)
      .digest('base64');
    return { key, accept };
  });
}

/** Why a response head is not the 101 this key asked for; undefined when it is. */
export function checkUpgradeResponse(head: string, accept: string): string | undefined {
  const [status = '', ...lines] = head.split('\r\n');
  if (!/^HTTP\/1\.1 101\b/.test(status)) return `expected a 101, got '${status.slice(0, 80)}'`;
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0)
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  // RFC 6455 §4.1: the client MUST fail the connection unless Upgrade is "websocket" and the
  // accept value is the one for its key.
  if (headers.get('upgrade')?.toLowerCase() !== 'websocket')
    return `Upgrade is '${headers.get('upgrade')}', not websocket`;
  const got = headers.get('sec-websocket-accept');
  if (got !== accept) return `Sec-WebSocket-Accept is '${got}', expected '${accept}'`;
  return undefined;
}

/** A final Close frame with code 1000 (RFC 6455 §5.5.1), masked as a client frame MUST be (§5.1). */
export const CLOSE_FRAME = (() => {
  const key = [0x37, 0xfa, 0x21, 0x3d] as const;
  return Uint8Array.of(0x88, 0x80 | 2, ...key, 0x03 ^ key[0], 0xe8 ^ key[1]);
})();

/**
 * Reads the server's Close frame from the bytes after the 101: 'incomplete' until the whole
 * frame is there, then undefined when it is a final Close with code 1000 (masked or not: the
 * floor server echoes the client's masked frame), else the reason it is not.
 */
export function checkCloseFrame(bytes: Uint8Array): string | 'incomplete' | undefined {
  if (bytes.length < 2) return 'incomplete';
  if (bytes[0] !== 0x88)
    return `expected a final Close frame, got first byte 0x${bytes[0]!.toString(16)}`;
  const masked = (bytes[1]! & 0x80) !== 0;
  const length = bytes[1]! & 0x7f;
  if (length > 125) return `a Close frame with a ${length} B payload`;
  const start = 2 + (masked ? 4 : 0);
  if (bytes.length < start + length) return 'incomplete';
  if (bytes.length > start + length) return 'bytes after the Close frame';
  if (length < 2) return 'a Close frame without a status code';
  const code = new Uint8Array(2);
  for (let i = 0; i < 2; i++) code[i] = bytes[start + i]! ^ (masked ? bytes[2 + i]! : 0);
  const status = (code[0]! << 8) | code[1]!;
  return status === 1000 ? undefined : `the server closed with ${status}, not 1000`;
}

/** One full handshake and closing handshake; resolves with a problem, or undefined. */
export function handshakeOnce(
  port: number,
  { key, accept }: HandshakeKey,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    let phase: 'head' | 'close' | 'fin' = 'head';
    let bytes: Buffer = Buffer.alloc(0);
    let problem: string | undefined;
    const fail = (reason: string) => {
      problem ??= reason;
      socket.destroy();
    };
    socket.on('connect', () => socket.write(handshakeRequest(port, key)));
    socket.on('data', (chunk: Buffer) => {
      bytes = bytes.length === 0 ? chunk : Buffer.concat([bytes, chunk]);
      if (phase === 'head') {
        const end = bytes.indexOf('\r\n\r\n');
        if (end < 0) return;
        const bad = checkUpgradeResponse(bytes.subarray(0, end).toString('latin1'), accept);
        if (bad !== undefined) return fail(bad);
        bytes = bytes.subarray(end + 4);
        phase = 'close';
        socket.write(CLOSE_FRAME);
      }
      if (phase === 'close') {
        const bad = checkCloseFrame(bytes);
        if (bad === 'incomplete') return;
        if (bad !== undefined) return fail(bad);
        phase = 'fin';
      } else if (bytes.length > 0) fail('bytes after the Close frame');
    });
    // RFC 6455 §7.1.1: the server closes the TCP connection first; the client waits for it.
    socket.on('end', () => {
      if (phase !== 'fin')
        fail(`the server ended the connection before its Close (phase ${phase})`);
    });
    socket.on('error', (error) => {
      problem ??= `socket error: ${error.message}`;
    });
    socket.on('close', () => resolve(problem));
  });
}

export interface HandshakeRun {
  completed: number;
  seconds: number;
  problem?: string;
}

/** `total` handshakes, `concurrency` at a time, keys taken in turn from `keys`. */
export async function runHandshakes(
  port: number,
  total: number,
  concurrency: number,
  keys: readonly HandshakeKey[],
  timeLimitMs = 60_000,
): Promise<HandshakeRun> {
  let next = 0;
  let completed = 0;
  let problem: string | undefined;
  const deadline = performance.now() + timeLimitMs;
  const started = performance.now();
  const worker = async () => {
    while (next < total && problem === undefined) {
      if (performance.now() > deadline) {
        problem = `time limit of ${timeLimitMs} ms reached after ${completed}/${total} handshakes`;
        return;
      }
      const key = keys[next++ % keys.length]!;
      const bad = await handshakeOnce(port, key);
      if (bad === undefined) completed++;
      else problem ??= bad;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
  return {
    completed,
    seconds: (performance.now() - started) / 1000,
    ...(problem === undefined ? {} : { problem }),
  };
}
