/**
 * The interop protocol every pairing speaks, and its two sides on our stack:
 * - a server on `@ws/server`: echoes text and binary; "cmd:ping:X" → it pings with X and sends
 *   "pong:X" when the pong comes back; "cmd:close:CODE:REASON" → it closes with them; it picks
 *   subprotocol "chat" when offered; it records every close it receives;
 * - a client on `@ws/client` running the same scenario as peers/whatwg-client.mjs, plus a
 *   client-side ping.
 */

import { randomBytes } from 'node:crypto';
import type { RequestListener } from 'node:http';
import type { Socket } from 'node:net';
import {
  loadClient,
  loadServer,
  type OursClose,
  type OursConnection,
  startOursServer,
} from '../targets/ours.js';
import type { RunningServer } from '../targets/types.js';
import type { Check } from './types.js';

export const SIZES = [0, 1, 125, 126, 65535, 65536, 1048576];
export const UTF8 = '𝄞😀🌍 κόσμε — héllo 中文 '.repeat(40);
export const CLIENT_CLOSE = { code: 4000, reason: 'bye 👋' };
export const SERVER_CLOSE = { code: 4001, reason: 'server says bye ✓' };

export const text = (n: number) =>
  'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(n / 36)).slice(0, n);
export const bytes = (n: number) => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + 7) & 0xff;
  return out;
};

const noop = () => {};

export function serveInterop(
  connection: OursConnection,
  closes: OursClose[],
  traffic?: Traffic,
): void {
  const pending = new Set<string>();
  connection.on('error', noop);
  connection.on('pong', (data) => {
    const payload = new TextDecoder().decode(data);
    if (pending.delete(payload)) connection.sendText(`pong:${payload}`).catch(noop);
  });
  connection.on('message', (message) => {
    if (traffic !== undefined) {
      const size =
        message.type === 'text' ? Buffer.byteLength(message.data) : message.data.byteLength;
      traffic.payloadIn += size;
      if (!(message.type === 'text' && message.data.startsWith('cmd:'))) traffic.payloadOut += size;
    }
    if (message.type === 'text' && message.data.startsWith('cmd:ping:')) {
      const payload = message.data.slice('cmd:ping:'.length);
      pending.add(payload);
      connection.ping(payload).catch(noop);
    } else if (message.type === 'text' && message.data.startsWith('cmd:close:')) {
      const [, , code, ...reason] = message.data.split(':');
      connection.close(Number(code), reason.join(':')).catch(noop);
    } else if (message.type === 'text') connection.sendText(message.data).catch(noop);
    else connection.sendBinary(message.data).catch(noop);
  });
  connection.closed.then((close) => closes.push({ code: close.code, reason: close.reason }), noop);
}

export interface InteropServer extends RunningServer {
  /** Closes received from clients, in order. */
  closes: OursClose[];
  /** Payload bytes of the messages received and echoed, and the sockets they came over. */
  traffic: Traffic;
}

export interface Traffic {
  payloadIn: number;
  payloadOut: number;
  sockets: Set<Socket>;
  /** Each connection's Sec-WebSocket-Extensions offer ('' for none). */
  offers: string[];
}

const PAGE = '<!doctype html><meta charset="utf-8"><title>interop</title><p>interop</p>';

/**
 * Our interop server; `deflate` turns permessage-deflate on with the server's defaults (RFC
 * 7692; messages under 1 KiB go out uncompressed).
 */
export async function startInteropServer(
  options: { deflate?: boolean } = {},
): Promise<InteropServer> {
  const module = await loadServer();
  if (typeof module === 'string') throw new Error(module);
  const closes: OursClose[] = [];
  const traffic: Traffic = { payloadIn: 0, payloadOut: 0, sockets: new Set(), offers: [] };
  const page: RequestListener = (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(PAGE);
  };
  const server = await startOursServer(
    module,
    (connection, req) => {
      traffic.sockets.add(req.socket);
      traffic.offers.push(String(req.headers['sec-websocket-extensions'] ?? ''));
      serveInterop(connection, closes, traffic);
    },
    options.deflate ? { perMessageDeflate: true } : {},
    page,
  );
  return { ...server, closes, traffic };
}

/**
 * Proof that compression really happened both ways: without it a WebSocket connection carries
 * at least as many bytes as the payloads (frame headers come on top), so payloads that took
 * less than half their size on the wire went as RSV1 (compressed) frames. The scenario's large
 * messages are repetitive, so compressed they shrink far below half.
 */
export function compressedOnTheWire(
  traffic: Traffic,
  options: { peerCompresses?: boolean } = {},
): Check[] {
  let read = 0;
  let written = 0;
  for (const socket of traffic.sockets) {
    read += socket.bytesRead;
    written += socket.bytesWritten;
  }
  const sent: Check = {
    name: 'the server sent compressed frames (fewer bytes on the wire than payload)',
    ok: traffic.payloadOut > 0 && written < traffic.payloadOut / 2,
    detail: `${traffic.payloadOut} B of payload in ${written} B written; offers: ${JSON.stringify(traffic.offers)}`,
  };
  // RFC 7692 §6 lets a sender compress nothing; a peer that only inflates is still conformant.
  if (options.peerCompresses === false) return [sent];
  return [
    sent,
    {
      name: 'the server received compressed frames (fewer bytes on the wire than payload)',
      ok: traffic.payloadIn > 0 && read < traffic.payloadIn / 2,
      detail: `${traffic.payloadIn} B of payload in ${read} B read`,
    },
  ];
}

/** Waits for the server to have seen the client's close (it is recorded once TCP closes). */
export async function serverSawClientClose(server: InteropServer): Promise<Check> {
  for (let i = 0; i < 100 && !server.closes.some(isClientClose); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    name: '@ws/server received the client close 4000 with its reason',
    ok: server.closes.some(isClientClose),
    detail: JSON.stringify(server.closes),
  };
}

const isClientClose = (close: OursClose) =>
  close.code === CLIENT_CLOSE.code && close.reason === CLIENT_CLOSE.reason;

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** 200 KiB of JSON records, compressible as real traffic is. */
export function bigJson(): string {
  const records: string[] = [];
  for (let id = 0, size = 0; size < 200 * 1024; id++) {
    const record = JSON.stringify({ id, name: `user-${id}`, ok: id % 3 === 0, tags: ['a', 'b'] });
    records.push(record);
    size += record.length + 1;
  }
  return `[${records.join(',')}]`;
}

/**
 * The scenario on `@ws/client` against a peer server at `base` (ws://host:port). `deflate`: the
 * server has permessage-deflate on, so the client (which offers it by default) must have it in
 * force, and 200 KiB of JSON and 256 KiB of random bytes go through it too.
 */
export async function runOursClient(
  base: string,
  options: { deflate?: boolean } = {},
): Promise<Check[]> {
  const module = await loadClient();
  if (typeof module === 'string') throw new Error(module);
  const checks: Check[] = [];
  const check = (name: string, ok: boolean, detail: unknown = '') =>
    checks.push({ name, ok, detail: String(detail) });
  const next = (connection: OursConnection) =>
    withTimeout(connection.receive(), 20_000, 'a message');
  try {
    const connection = await module.connect(`${base}/interop`, { protocols: ['nope', 'chat'] });
    check(
      'subprotocol negotiated',
      connection.subprotocol === 'chat',
      `protocol=${connection.subprotocol}`,
    );
    for (const size of SIZES) {
      await connection.sendText(text(size));
      const echoed = await next(connection);
      check(
        `text ${size} B echoed`,
        'type' in echoed && echoed.type === 'text' && echoed.data === text(size),
      );
      await connection.sendBinary(bytes(size));
      const echoedBinary = await next(connection);
      check(
        `binary ${size} B echoed`,
        'type' in echoedBinary &&
          echoedBinary.type === 'binary' &&
          equalBytes(echoedBinary.data, bytes(size)),
      );
    }
    await connection.sendText(UTF8);
    const utf8 = await next(connection);
    check(
      'UTF-8 with 4-byte characters echoed',
      'type' in utf8 && utf8.type === 'text' && utf8.data === UTF8,
    );
    if (options.deflate) {
      const names = (connection.extensions ?? []).map((extension) => extension.name);
      check(
        'permessage-deflate in force (the server accepted the default offer)',
        names.includes('permessage-deflate'),
        `extensions=${JSON.stringify(names)}`,
      );
      const json = bigJson();
      await connection.sendText(json);
      const echoedJson = await next(connection);
      check(
        `JSON text of ${json.length} B echoed intact`,
        'type' in echoedJson && echoedJson.type === 'text' && echoedJson.data === json,
      );
      const random = randomBytes(256 * 1024);
      await connection.sendBinary(random);
      const echoedRandom = await next(connection);
      check(
        'random binary of 262144 B echoed intact',
        'type' in echoedRandom &&
          echoedRandom.type === 'binary' &&
          equalBytes(echoedRandom.data, random),
      );
    }
    const pong = new Promise<Uint8Array>((resolve) => connection.on('pong', resolve));
    await connection.ping('client-ping');
    const pongData = await withTimeout(pong, 10_000, 'the pong');
    check(
      'client ping answered with pong (same payload)',
      new TextDecoder().decode(pongData) === 'client-ping',
    );
    await connection.sendText('cmd:ping:interop-ping');
    const reply = await next(connection);
    check(
      'server ping answered with pong (same payload)',
      'type' in reply && reply.type === 'text' && reply.data === 'pong:interop-ping',
      'type' in reply && reply.type === 'text' ? reply.data : JSON.stringify(reply),
    );
    const closed = await withTimeout(
      connection.close(CLIENT_CLOSE.code, CLIENT_CLOSE.reason),
      10_000,
      'the close',
    );
    check(
      'client close 4000 answered with 4000 (clean)',
      closed.code === CLIENT_CLOSE.code && closed.wasClean !== false,
      JSON.stringify(closed),
    );

    const second = await module.connect(`${base}/interop`);
    check(
      'no subprotocol when none offered',
      !second.subprotocol,
      `protocol=${second.subprotocol}`,
    );
    await second.sendText(`cmd:close:${SERVER_CLOSE.code}:${SERVER_CLOSE.reason}`);
    const end = await next(second);
    check(
      'server close 4001 with reason',
      'type' in end &&
        end.type === 'close' &&
        end.code === SERVER_CLOSE.code &&
        end.reason === SERVER_CLOSE.reason,
      JSON.stringify(end),
    );
  } catch (error) {
    check('scenario completed', false, error instanceof Error ? error.message : String(error));
  }
  return checks;
}
