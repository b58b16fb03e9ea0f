/** Expectation builders: each turns what a case saw into OK / NON-STRICT / FAILED with a note. */
import { bytesOf, type Payload } from '../driver/frames.js';
import { header } from '../driver/http.js';
import type { ReceivedMessage } from '../driver/reader.js';
import type { Judgement, Seen } from './types.js';

export const ok = (note = ''): Judgement => ({ verdict: 'OK', note });
export const nonStrict = (note: string): Judgement => ({ verdict: 'NON-STRICT', note });
export const failed = (note: string): Judgement => ({ verdict: 'FAILED', note });

export interface ExpectedMessage {
  type: 'text' | 'binary';
  data: Payload;
}

export const text = (data: Payload): ExpectedMessage => ({ type: 'text', data });
export const binary = (data: Payload): ExpectedMessage => ({ type: 'binary', data });

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function describeMessage(message: ReceivedMessage | ExpectedMessage): string {
  const data = bytesOf(message.data);
  const head = Buffer.from(data.subarray(0, 16)).toString('hex');
  return `${message.type} of ${data.length} B (${head}${data.length > 16 ? '…' : ''})`;
}

/** Compares received messages with the expected ones; undefined when they match. */
function messageMismatch(
  got: readonly ReceivedMessage[],
  want: readonly ExpectedMessage[],
): string | undefined {
  for (let i = 0; i < Math.max(got.length, want.length); i++) {
    const g = got[i];
    const w = want[i];
    if (g === undefined) return `message #${i + 1} missing: expected ${describeMessage(w!)}`;
    if (w === undefined) return `unexpected message #${i + 1}: ${describeMessage(g)}`;
    if (g.type !== w.type || !equalBytes(g.data, bytesOf(w.data))) {
      return `message #${i + 1}: got ${describeMessage(g)}, expected ${describeMessage(w)}`;
    }
  }
  return undefined;
}

function closeText(seen: Seen): string {
  const close = seen.close;
  if (close === undefined) return seen.peerDropped ? 'dropped TCP without a Close' : 'no Close';
  return `Close ${close.code ?? '(no code)'}${close.reason ? ` "${close.reason}"` : ''}`;
}

function violationsOf(seen: Seen): Judgement | undefined {
  if (seen.violations.length === 0) return undefined;
  return failed(`peer broke the RFC: ${[...new Set(seen.violations)].join('; ')}`);
}

export interface EchoOptions {
  /** Pong payloads expected, in order (the finishing marker excluded). */
  pongs?: readonly Payload[];
  /** Accept pongs for only some pings as long as the last one is answered (§5.5.3 MAY). */
  coalescedPongsOk?: boolean;
}

/** The connection stays open, the messages come back as sent, and it closes cleanly with 1000. */
export function echoes(expected: readonly ExpectedMessage[], options: EchoOptions = {}) {
  return (seen: Seen): Judgement => {
    const broken = violationsOf(seen);
    if (broken) return broken;
    const mismatch = messageMismatch(seen.messages, expected);
    if (!seen.synced) {
      return failed(
        `connection did not stay open (${closeText(seen)}) after ${seen.messages.length} message(s) and ${seen.pongs.length} pong(s)${mismatch ? `; ${mismatch}` : ''}`,
      );
    }
    if (mismatch) return failed(mismatch);
    let verdict: Judgement = ok();
    if (options.pongs !== undefined) {
      const got = seen.pongs.map((pong) => Buffer.from(pong.data).toString('hex'));
      const want = options.pongs.map((payload) => Buffer.from(bytesOf(payload)).toString('hex'));
      if (got.join() !== want.join()) {
        const isOrderedSubset = got.every((hex, i) => want.indexOf(hex, i) >= 0);
        if (
          options.coalescedPongsOk === true &&
          got.length > 0 &&
          got.at(-1) === want.at(-1) &&
          isOrderedSubset
        ) {
          verdict = nonStrict(`answered ${got.length} of ${want.length} pings (last one included)`);
        } else return failed(`pongs ${JSON.stringify(got)} , expected ${JSON.stringify(want)}`);
      }
    } else if (seen.pongs.length > 0) {
      return failed(`${seen.pongs.length} unexpected pong(s)`);
    }
    return combine(verdict, closingOf(seen, [1000]));
  };
}

/** Judges the end of a connection we closed (or answered): the Close reply and the TCP close. */
function closingOf(seen: Seen, codes: readonly number[]): Judgement {
  const close = seen.close;
  if (close === undefined) {
    return failed(`no Close frame in answer to ours (§5.5.1 MUST): ${closeText(seen)}`);
  }
  if (close.code !== undefined && !codes.includes(close.code)) {
    return nonStrict(`answered Close with ${close.code}, expected ${codes.join(' or ')}`);
  }
  if (close.code === undefined && !codes.includes(1005)) {
    return nonStrict(`answered Close without a code, expected ${codes.join(' or ')}`);
  }
  if (seen.mode === 'server' && !seen.peerDropped) {
    return nonStrict('server did not close TCP after the closing handshake (§7.1.1 SHOULD)');
  }
  const client = seen.client;
  if (seen.mode === 'client' && client !== undefined) {
    // The client's API must report the code the server sent (codes[0]; 1005 for none, §7.1.5).
    if (!client.settled) return nonStrict('the client API never reported the close');
    if (client.closeCode !== codes[0]) {
      return nonStrict(
        `the client API reported close ${client.closeCode}, the server sent ${codes[0]}`,
      );
    }
  }
  return ok();
}

function combine(a: Judgement, b: Judgement): Judgement {
  const rank = { OK: 0, 'NON-STRICT': 1, FAILED: 2 } as const;
  const worst = rank[a.verdict] >= rank[b.verdict] ? a : b;
  const notes = [a.note, b.note].filter((note) => note !== '').join('; ');
  return { verdict: worst.verdict, note: notes };
}

export interface FailOptions {
  /** Messages that legitimately come back before the violation. */
  before?: readonly ExpectedMessage[];
  /** The Close must come before this mark was written (fail-fast), else NON-STRICT. */
  failFastMark?: string;
  /** What counts as NON-STRICT instead of FAILED when nothing was failed (e.g. tolerated input). */
  toleratedNote?: string;
  /**
   * Replies to `before` that may be missing (NON-STRICT, with this note): an answer still being
   * compressed when the connection fails may be dropped, as no rule requires it to go out.
   */
  lostRepliesNote?: string;
}

/**
 * The peer must _Fail the WebSocket Connection_ (§7.1.7) with one of `codes`: another code is
 * NON-STRICT, a drop without Close is NON-STRICT, carrying on is FAILED.
 */
export function fails(codes: number | readonly number[], options: FailOptions = {}) {
  const wanted = typeof codes === 'number' ? [codes] : codes;
  return (seen: Seen): Judgement => {
    const broken = violationsOf(seen);
    if (broken) return broken;
    const before = options.before ?? [];
    if (seen.messages.length > before.length) {
      const extra = seen.messages.slice(before.length).map(describeMessage).join(', ');
      return failed(`processed the invalid input: sent back ${extra}; then ${closeText(seen)}`);
    }
    const mismatch = messageMismatch(seen.messages, before);
    const lost =
      mismatch !== undefined &&
      options.lostRepliesNote !== undefined &&
      messageMismatch(seen.messages, before.slice(0, seen.messages.length)) === undefined;
    if (mismatch && !lost) return failed(mismatch);
    let verdict: Judgement;
    const close = seen.close;
    if (close === undefined) {
      verdict = seen.peerDropped
        ? nonStrict('dropped TCP without a Close frame (§7.1.7 SHOULD send one)')
        : failed(`did not fail the connection (expected Close ${wanted.join('/')})`);
    } else if (close.code === undefined || !wanted.includes(close.code)) {
      verdict = nonStrict(
        `closed with ${close.code ?? 'no code'}, expected ${wanted.join(' or ')}`,
      );
    } else verdict = ok(`closed with ${close.code}`);
    if (verdict.verdict !== 'FAILED' && seen.mode === 'server' && !seen.peerDropped) {
      verdict = failed(
        `${closeText(seen)}, then kept the TCP connection open (§7.1.7: MUST close it)`,
      );
    }
    if (lost) {
      verdict = combine(
        verdict,
        nonStrict(
          `${before.length - seen.messages.length} reply(ies) never sent: ${options.lostRepliesNote}`,
        ),
      );
    }
    if (verdict.verdict !== 'FAILED' && options.failFastMark !== undefined) {
      if (!seen.closedBefore(options.failFastMark)) {
        verdict = combine(
          verdict,
          nonStrict('failed only after the rest of the frame/message arrived, not at the bad byte'),
        );
      }
    }
    return verdict;
  };
}

/** For a case whose steps sent a Close: the answer must be a Close with one of `codes`. */
export function closeAnswered(codes: readonly number[], before: readonly ExpectedMessage[] = []) {
  return (seen: Seen): Judgement => {
    const broken = violationsOf(seen);
    if (broken) return broken;
    const mismatch = messageMismatch(seen.messages, before);
    if (mismatch) return failed(mismatch);
    return closingOf(seen, codes);
  };
}

// ---------------------------------------------------------------- handshake (server mode)

/**
 * The server accepts with a correct 101 (the accept key is checked by the runner), choosing the
 * given subprotocol and only extensions that were offered (§4.2.2).
 */
export function accepts(options: { protocol?: string | null; offered?: readonly string[] } = {}) {
  return (seen: Seen): Judgement => {
    const response = seen.response;
    if (response === undefined) return failed(`no HTTP response (${closeText(seen)})`);
    const status = Number(response.startLine[1]);
    if (status !== 101) return failed(`answered ${response.startLine.join(' ')}, expected 101`);
    const broken = violationsOf(seen);
    if (broken) return broken;
    const chosen = header(response, 'sec-websocket-protocol');
    if (options.protocol !== undefined && (chosen ?? null) !== options.protocol) {
      return failed(
        `Sec-WebSocket-Protocol ${chosen ?? '(none)'}, expected ${options.protocol ?? '(none)'}`,
      );
    }
    const extensions = header(response, 'sec-websocket-extensions');
    const names = (extensions ?? '')
      .split(',')
      .map((item) => item.split(';')[0]!.trim())
      .filter((name) => name !== '');
    const unoffered = names.filter((name) => !(options.offered ?? []).includes(name));
    if (unoffered.length > 0) return failed(`accepted extensions nobody offered: ${extensions}`);
    return seen.synced
      ? ok()
      : failed(`101, then the connection did not work (${closeText(seen)})`);
  };
}

export interface RejectOptions {
  /** Statuses that are exactly right; any other 4xx is NON-STRICT. */
  statuses: readonly number[];
  /** §4.4: a version the server does not speak MUST be answered with Sec-WebSocket-Version. */
  versionHeader?: boolean;
  /** A 101 is only NON-STRICT (the RFC does not forbid accepting this). */
  acceptIsNonStrict?: string;
}

/** The server refuses the handshake with an HTTP error (§4.2.1 MUST) and never upgrades. */
export function rejects(options: RejectOptions) {
  return (seen: Seen): Judgement => {
    const response = seen.response;
    if (response === undefined) {
      return failed(
        `no HTTP answer (${seen.peerDropped ? 'TCP closed' : 'hung'}); §4.2.1 requires an error response`,
      );
    }
    const status = Number(response.startLine[1]);
    if (status === 101) {
      return options.acceptIsNonStrict !== undefined
        ? nonStrict(`accepted (101): ${options.acceptIsNonStrict}`)
        : failed('accepted the handshake with 101');
    }
    if (options.versionHeader === true) {
      const versions = header(response, 'sec-websocket-version') ?? '';
      if (!versions.split(',').some((v) => v.trim() === '13')) {
        return failed(`${status} without Sec-WebSocket-Version: 13 (§4.4 MUST)`);
      }
    }
    if (options.statuses.includes(status)) return ok(`${status}`);
    if (status >= 400 && status < 500) {
      return nonStrict(`${status}, expected ${options.statuses.join(' or ')}`);
    }
    return failed(`${response.startLine.join(' ')}, expected ${options.statuses.join(' or ')}`);
  };
}

// ---------------------------------------------------------------- handshake (client mode)

/** The client must refuse the server's answer: never open, never process the probe frame. */
export function clientRefuses(why: string) {
  return (seen: Seen): Judgement => {
    const client = seen.client;
    if (client?.opened === true) return failed(`opened the connection although ${why}`);
    if (seen.messages.length > 0) return failed(`echoed the probe message although ${why}`);
    if (client !== undefined && !client.settled) return failed('client never reported the failure');
    if (!seen.peerDropped) return failed('client did not close the TCP connection');
    const sentFrames = seen.events.some((event) => event.kind === 'frame');
    if (sentFrames) return nonStrict('sent frames on a connection whose handshake failed');
    return ok(client?.error ? `error: ${client.error.slice(0, 80)}` : '');
  };
}

/** The client must accept and work (the probe is echoed), with the given subprotocol. */
export function clientAccepts(expected: readonly ExpectedMessage[], protocol?: string) {
  return (seen: Seen): Judgement => {
    const client = seen.client;
    if (client !== undefined && !client.opened) {
      return failed(`did not open: ${client.error ?? closeText(seen)}`);
    }
    if (protocol !== undefined && client !== undefined && client.protocol !== protocol) {
      return failed(
        `protocol ${JSON.stringify(client.protocol)}, expected ${JSON.stringify(protocol)}`,
      );
    }
    return echoes(expected)(seen);
  };
}

// ---------------------------------------------------------------- permessage-deflate (RFC 7692)

/** "3 of 4 replies compressed": RFC 7692 §6 lets a sender compress any message or none. */
function compressedNote(seen: Seen): string {
  const compressed = seen.messages.filter((message) => message.compressed === true).length;
  return `${compressed} of ${seen.messages.length} replies compressed`;
}

/**
 * permessage-deflate was agreed as the driver read it, and the messages come back as sent (the
 * driver inflated them with the agreed window and takeover). A server that declines a valid
 * offer is NON-STRICT (RFC 7692 §5 lets it).
 */
export function deflateEchoes(
  expected: readonly ExpectedMessage[],
  options: { pongs?: readonly Payload[] } = {},
) {
  return afterUpgrade((seen: Seen): Judgement => {
    const echoed = echoes(expected, options.pongs ? { pongs: options.pongs } : {})(seen);
    if (echoed.verdict === 'FAILED') return echoed;
    if (seen.agreed === null || seen.agreed === undefined) {
      return combine(echoed, nonStrict('declined permessage-deflate (sent uncompressed)'));
    }
    return combine(echoed, ok(compressedNote(seen)));
  });
}

/**
 * For cases whose offer the server may decline or refuse: a refusal of the handshake (4xx) is
 * NON-STRICT (RFC 7692 §5 says to decline an offer, not refuse the connection), anything else is
 * judged by `then`.
 */
export function afterUpgrade(then: (seen: Seen) => Judgement) {
  return (seen: Seen): Judgement => {
    const response = seen.response;
    if (response !== undefined && response.startLine[1] !== '101') {
      const status = Number(response.startLine[1]);
      return status >= 400 && status < 500
        ? nonStrict(
            `refused the handshake with ${status} instead of declining the offer(s) it cannot accept (RFC 7692 §5)`,
          )
        : failed(`answered ${response.startLine.join(' ')}`);
    }
    return then(seen);
  };
}
