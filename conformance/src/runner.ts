/** Runs cases against a target: server mode over raw TCP, client mode from a scripted server. */
import { connect, createServer, type Server, type Socket } from 'node:net';
import type {
  Case,
  ClientOutcome,
  DeflateMessage,
  Judgement,
  Mode,
  Seen,
  Verdict,
} from './cases/types.js';
import { checkDeflateResponse } from './driver/deflate.js';
import { bytesOf, closePayload, concat, encodeFrame, type FrameSpec, OP } from './driver/frames.js';
import { acceptFor, buildRequest, buildResponse, header, newKey } from './driver/http.js';
import { type DriverEvent, RawPeer } from './driver/peer.js';
import { isSendableCloseCode } from './driver/reader.js';
import { errorText, type Target } from './targets/types.js';

export interface CaseResult {
  id: string;
  group: string;
  title: string;
  mode: Mode;
  target: string;
  verdict: Verdict;
  note: string;
  ms: number;
  /** A short account of what the peer did (first events, close, violations). */
  seen: {
    status?: string;
    messages: number;
    close?: string;
    violations: string[];
    client?: ClientOutcome;
    events: string[];
  };
}

const SYNC = 'conformance-sync';
const READY = 'conformance-ready';
const PROBE = 'conformance-probe';
const isMarker = (data: Uint8Array) => {
  const text = new TextDecoder().decode(data);
  return text === SYNC || text === READY || text === PROBE;
};
const DEFAULT_GUARD_MS = 4000;
const TCP_GUARD_MS = 2000;

function describeEvent(event: DriverEvent): string {
  switch (event.kind) {
    case 'frame':
      return `${event.at}ms frame op=${event.opcode}${event.fin ? '' : ' fin=0'}${event.rsv ? ` rsv=${event.rsv}` : ''}${event.masked ? ' masked' : ''} len=${event.length}`;
    case 'head':
      return `${event.at}ms head ${event.startLine}`;
    case 'mark':
      return `${event.at}ms mark ${event.name}`;
    case 'sent':
      return `${event.at}ms sent ${event.bytes} B`;
    case 'violation':
      return `${event.at}ms violation ${event.what}`;
    case 'tcp-end':
      return `${event.at}ms peer FIN`;
    case 'tcp-close':
      return `${event.at}ms TCP closed${event.error ? ` (${event.error})` : ''}`;
    case 'timeout':
      return `${event.at}ms gave up waiting for ${event.waiting}`;
  }
}

function summarize(events: readonly DriverEvent[]): string[] {
  // Consecutive 'sent' events (byte-wise writes) collapse into one line.
  const lines: string[] = [];
  let sentRun = 0;
  let sentBytes = 0;
  for (const event of events) {
    if (event.kind === 'sent') {
      sentRun++;
      sentBytes += event.bytes;
      continue;
    }
    if (sentRun > 0) lines.push(`sent ${sentBytes} B in ${sentRun} write(s)`);
    sentRun = 0;
    sentBytes = 0;
    lines.push(describeEvent(event));
  }
  if (sentRun > 0) lines.push(`sent ${sentBytes} B in ${sentRun} write(s)`);
  return lines.length > 40 && !process.env.FULL
    ? [...lines.slice(0, 20), `… ${lines.length - 40} more`, ...lines.slice(-20)]
    : lines;
}

function connectTcp(port: number, ms: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(undefined);
    }, ms);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
}

/**
 * One message as frames: compressed with the driver's compressor when permessage-deflate is in
 * force (RSV1 on the first frame only, RFC 7692 §6.1), else as is.
 */
async function deflateFrames(peer: RawPeer, message: DeflateMessage): Promise<FrameSpec[]> {
  const compress = message.compress !== false && peer.compressor !== undefined;
  const payload = compress
    ? await peer.compressor!.compress(message.data, message.ending)
    : bytesOf(message.data);
  const size = message.frameSize ?? Math.max(1, payload.length);
  const frames: FrameSpec[] = [];
  for (let at = 0; at < payload.length || frames.length === 0; at += size) {
    const first = frames.length === 0;
    frames.push({
      opcode: first ? (message.type === 'text' ? OP.text : OP.binary) : OP.continuation,
      rsv: first && compress ? 4 : 0,
      fin: at + size >= payload.length,
      payload: payload.subarray(at, at + size),
    });
  }
  return frames;
}

/** Runs the steps, then the case's finish; returns whether the marker ping was answered. */
async function drive(peer: RawPeer, c: Case, mode: Mode, guard: number): Promise<boolean> {
  const sender = mode === 'server' ? 'client' : 'server';
  if (mode === 'client' && peer.alive && !peer.peerClosed) {
    // A client API hands out its connection when the 101 is read, so the agent's listeners go
    // on a moment later: a ping answered proves that moment is over before the case starts.
    const ready = () => peer.pongs.some((pong) => new TextDecoder().decode(pong.data) === READY);
    await peer.write(encodeFrame({ opcode: OP.ping, payload: READY }, sender));
    await peer.waitFor(() => ready() || peer.peerClosed, guard, 'the ready pong');
  }
  for (const step of c.steps) {
    if ('deflate' in step) {
      const frames: FrameSpec[] = [];
      for (const message of step.deflate) frames.push(...(await deflateFrames(peer, message)));
      await peer.write(concat(frames.map((frame) => encodeFrame(frame, sender))), step.chunking);
    } else if ('frames' in step) {
      const bytes = step.frames.map((frame) => encodeFrame(frame, sender));
      const total = bytes.reduce((sum, part) => sum + part.length, 0);
      const joined = new Uint8Array(total);
      let offset = 0;
      for (const part of bytes) {
        joined.set(part, offset);
        offset += part.length;
      }
      await peer.write(joined, step.chunking);
    } else if ('raw' in step) await peer.write(step.raw, step.chunking);
    else if ('pause' in step) await new Promise((resolve) => setTimeout(resolve, step.pause));
    else if ('mark' in step) peer.mark(step.mark);
    else if ('probe' in step) {
      if (!peer.alive || peer.peerClosed) continue;
      const answered = () =>
        peer.pongs.some((pong) => new TextDecoder().decode(pong.data) === PROBE);
      await peer.write(encodeFrame({ opcode: OP.ping, payload: PROBE }, sender));
      await peer.waitFor(
        () => answered() || peer.peerClosed,
        guard,
        'a fail-fast Close or the probe pong',
      );
    } else await peer.waitFor(() => peer.peerClosed, step.awaitClose, 'a fail-fast Close');
  }
  let synced = false;
  const hasSync = () => peer.pongs.some((pong) => new TextDecoder().decode(pong.data) === SYNC);
  if (c.finish === 'echo') {
    const replies = c.replies ?? 0;
    if (replies > 0) {
      await peer.waitFor(
        () => peer.messages.length >= replies || peer.peerClosed,
        guard,
        `${replies} message(s) back`,
      );
    }
    if (peer.alive && !peer.peerClosed) {
      await peer.write(encodeFrame({ opcode: OP.ping, payload: SYNC }, sender));
      await peer.waitFor(() => hasSync() || peer.peerClosed, guard, 'the marker pong');
      synced = hasSync();
    }
    if (synced && peer.alive && !peer.peerClosed) {
      await peer.write(encodeFrame({ opcode: OP.close, payload: closePayload(1000) }, sender));
    }
    await peer.waitFor(
      () => peer.close !== undefined || peer.tcpEnded || peer.tcpClosed,
      guard,
      'the Close reply',
    );
  } else {
    await peer.waitFor(
      () => peer.peerClosed,
      guard,
      c.finish === 'fail' ? 'the peer to fail the connection' : 'the Close reply',
    );
    const close = peer.close;
    if (c.finish === 'fail' && close !== undefined && peer.alive) {
      // Answer the peer's Close (§5.5.1), echoing its code when it may be sent.
      const code =
        close.code !== undefined && isSendableCloseCode(close.code) ? close.code : undefined;
      await peer.write(encodeFrame({ opcode: OP.close, payload: closePayload(code) }, sender));
    }
  }
  if (mode === 'server') {
    // §7.1.1: the server SHOULD close the TCP connection first.
    await peer.waitFor(
      () => peer.tcpEnded || peer.tcpClosed,
      Math.min(TCP_GUARD_MS, guard),
      'the server to close TCP',
    );
  } else {
    peer.end();
    await peer.waitFor(
      () => peer.tcpClosed,
      Math.min(TCP_GUARD_MS, guard),
      'the client to close TCP',
    );
  }
  return synced;
}

function seenOf(peer: RawPeer, mode: Mode, synced: boolean, extra: Partial<Seen>): Seen {
  const events = peer.events;
  return {
    mode,
    messages: peer.messages,
    pongs: peer.pongs.filter((pong) => !isMarker(pong.data)),
    pings: peer.pings,
    close: peer.close,
    violations: peer.violations,
    synced,
    peerDropped: peer.peerEndedFirst,
    tcpClosed: peer.tcpClosed,
    events,
    closedBefore(mark) {
      const markAt = events.findIndex((e) => e.kind === 'mark' && e.name === mark);
      const closeAt = events.findIndex(
        (e) =>
          (e.kind === 'frame' && e.opcode === OP.close) ||
          e.kind === 'tcp-end' ||
          e.kind === 'tcp-close',
      );
      return closeAt >= 0 && (markAt < 0 || closeAt < markAt);
    },
    ...extra,
  };
}

function judge(c: Case, seen: Seen): Judgement {
  try {
    return c.expect(seen);
  } catch (error) {
    return { verdict: 'FAILED', note: `expectation threw: ${errorText(error)}` };
  }
}

function result(
  c: Case,
  mode: Mode,
  target: Target,
  started: number,
  judgement: Judgement,
  peer: RawPeer | undefined,
  seen: Seen | undefined,
): CaseResult {
  const close = seen?.close;
  return {
    id: c.id,
    group: c.group,
    title: c.title,
    mode,
    target: target.name,
    verdict: judgement.verdict,
    note: judgement.note,
    ms: Math.round(performance.now() - started),
    seen: {
      ...(seen?.response ? { status: seen.response.startLine.join(' ') } : {}),
      messages: seen?.messages.length ?? 0,
      ...(close
        ? {
            close: `${close.code ?? 'none'}${close.reason ? ` "${close.reason.slice(0, 60)}"` : ''}`,
          }
        : {}),
      violations: [...new Set(seen?.violations ?? [])],
      ...(seen?.client ? { client: seen.client } : {}),
      events: peer ? summarize(peer.events) : [],
    },
  };
}

/** Server mode: we are a raw client of the target's echo server on `port`. */
export async function runServerCase(
  c: Case,
  target: Target,
  port: number,
  guardMs?: number,
): Promise<CaseResult> {
  const started = performance.now();
  const guard = guardMs ?? c.guardMs ?? DEFAULT_GUARD_MS;
  const socket = await connectTcp(port, guard);
  if (socket === undefined) {
    return result(
      c,
      'server',
      target,
      started,
      { verdict: 'FAILED', note: 'could not connect' },
      undefined,
      undefined,
    );
  }
  const peer = new RawPeer(socket, 'server', true);
  const key = newKey();
  const host = `127.0.0.1:${port}`;
  const offer = c.deflate?.offer ?? null;
  const request = c.request
    ? c.request({ host, path: '/', key })
    : buildRequest({
        host,
        path: '/',
        key,
        ...(offer !== null ? { headers: { 'Sec-WebSocket-Extensions': offer } } : {}),
      });
  await peer.write(bytesOf(request), c.headChunking);
  await peer.waitFor(
    () => peer.head !== undefined || peer.tcpEnded || peer.tcpClosed,
    guard,
    'the HTTP response',
  );
  let synced = false;
  const response = peer.head;
  const extra: Partial<Seen> = {};
  if (response !== undefined && response.startLine[1] === '101') {
    const accept = header(response, 'sec-websocket-accept');
    if (accept !== acceptFor(key)) {
      peer.violation(
        `Sec-WebSocket-Accept ${accept ?? '(none)'}, expected ${acceptFor(key)} (§4.2.2)`,
      );
    }
    if (c.deflate !== undefined) {
      const checked = checkDeflateResponse(
        offer ?? '',
        header(response, 'sec-websocket-extensions'),
      );
      if (!checked.ok)
        peer.violation(`Sec-WebSocket-Extensions: ${checked.reason} (RFC 7692 §7.1)`);
      else if (checked.agreed !== null) peer.startDeflate(checked.agreed);
      extra.agreed = checked.ok ? checked.agreed : null;
    }
    synced = await drive(peer, c, 'server', guard);
    await peer.settled();
  } else {
    await peer.waitFor(
      () => peer.tcpEnded || peer.tcpClosed,
      Math.min(TCP_GUARD_MS, guard),
      'the server to close TCP',
    );
  }
  peer.destroy();
  const seen = seenOf(peer, 'server', synced, response ? { ...extra, response } : extra);
  return result(c, 'server', target, started, judge(c, seen), peer, seen);
}

/** Client mode: a scripted raw server that the target's echo client connects to. */
export class ScriptedServer {
  private readonly server: Server;
  private queue: Socket[] = [];
  private waiting: ((socket: Socket) => void) | undefined;
  port = 0;

  constructor() {
    this.server = createServer((socket) => {
      socket.on('error', () => {});
      if (this.waiting) {
        const waiting = this.waiting;
        this.waiting = undefined;
        waiting(socket);
      } else this.queue.push(socket);
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address !== null ? address.port : 0;
  }

  nextSocket(ms: number): Promise<Socket | undefined> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        resolve(undefined);
      }, ms);
      this.waiting = (socket) => {
        clearTimeout(timer);
        resolve(socket);
      };
    });
  }

  stop(): Promise<void> {
    for (const socket of this.queue) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export async function runClientCase(
  c: Case,
  target: Target,
  server: ScriptedServer,
  guardMs?: number,
): Promise<CaseResult> {
  const started = performance.now();
  const guard = guardMs ?? c.guardMs ?? DEFAULT_GUARD_MS;
  const url = `ws://127.0.0.1:${server.port}/${c.id}`;
  let outcome: ClientOutcome = { opened: false, settled: false };
  const agent = target.runClient(url, c.protocols ?? []).then(
    (report) => {
      outcome = { ...report, settled: true };
    },
    (error) => {
      outcome = { opened: false, error: errorText(error), settled: true };
    },
  );
  const socket = await server.nextSocket(guard);
  if (socket === undefined) {
    await Promise.race([agent, new Promise((resolve) => setTimeout(resolve, 100))]);
    const note = `client never connected${outcome.error ? `: ${outcome.error}` : ''}`;
    return result(c, 'client', target, started, { verdict: 'FAILED', note }, undefined, undefined);
  }
  const peer = new RawPeer(socket, 'client', true);
  await peer.waitFor(
    () => peer.head !== undefined || peer.tcpEnded || peer.tcpClosed,
    guard,
    'the HTTP request',
  );
  const request = peer.head;
  let synced = false;
  if (request !== undefined) {
    // One case at a time: a request for another path is a stray connection, not this case's.
    if (request.startLine[1] !== `/${c.id}`) {
      peer.violation(`request for ${request.startLine[1]}, expected /${c.id}`);
    }
    const key = header(request, 'sec-websocket-key') ?? '';
    const response = c.response ? c.response(request) : buildResponse(key);
    await peer.write(bytesOf(response), c.headChunking);
    synced = await drive(peer, c, 'client', guard);
  }
  peer.destroy();
  await Promise.race([
    agent,
    new Promise((resolve) => setTimeout(resolve, Math.min(TCP_GUARD_MS, guard))),
  ]);
  const seen = seenOf(peer, 'client', synced, { ...(request ? { request } : {}), client: outcome });
  return result(c, 'client', target, started, judge(c, seen), peer, seen);
}
