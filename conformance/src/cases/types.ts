import type { Agreed, Ending } from '../driver/deflate.js';
import type { FrameSpec, Payload } from '../driver/frames.js';
import type { Head } from '../driver/http.js';
import type { Chunking, DriverEvent, TimedPayload } from '../driver/peer.js';
import type { ReceivedClose, ReceivedMessage } from '../driver/reader.js';

export type Verdict = 'OK' | 'NON-STRICT' | 'FAILED';

export interface Judgement {
  verdict: Verdict;
  note: string;
}

/** Which side of the target a case drives: its server (we are a raw client) or its client. */
export type Mode = 'server' | 'client';

export const GROUPS = [
  'framing',
  'ping-pong',
  'reserved-bits',
  'opcodes',
  'fragmentation',
  'utf8',
  'limits',
  'closing',
  'handshake',
  'deflate',
  'deflate-params',
  'deflate-errors',
] as const;

export type Group = (typeof GROUPS)[number];

/** A message the driver sends on a permessage-deflate connection (RFC 7692). */
export interface DeflateMessage {
  type: 'text' | 'binary';
  data: Payload;
  /** Default true: compressed, RSV1 on the first frame. False: sent as is (§6 allows it). */
  compress?: boolean;
  /** Split the wire payload into frames of this many bytes (RSV1 on the first only). */
  frameSize?: number;
  /** How the compressed payload ends (default 'strip', §7.2.1). */
  ending?: Ending;
}

export type Step =
  /**
   * Messages compressed with the agreed parameters as they are sent (the driver's compressor
   * keeps its context across steps); sent uncompressed when the server declined.
   */
  | { deflate: readonly DeflateMessage[]; chunking?: Chunking }
  /** Frames written as one byte string, in the given chunking. */
  | { frames: readonly FrameSpec[]; chunking?: Chunking }
  /** Raw bytes (e.g. a frame cut in two by earlier/later steps). */
  | { raw: Uint8Array; chunking?: Chunking }
  | { pause: number }
  /** Records a named point in the event log (e.g. "the invalid byte was sent"). */
  | { mark: string }
  /** Waits up to `ms` for the peer's Close or disconnect before going on (fail-fast checks). */
  | { awaitClose: number }
  /**
   * Between fragments: sends a probe ping and waits for the peer's Close or disconnect, or the
   * probe's pong (which proves the peer processed everything before it without failing).
   */
  | { probe: true };

/**
 * How a case ends after its steps:
 * - 'echo': the connection must still be open; a ping marker proves everything was processed,
 *   then we run the closing handshake with 1000.
 * - 'fail': the peer must fail the connection; we wait for its Close / disconnect.
 * - 'closed': the steps sent a Close; we wait for the answer.
 */
export type Finish = 'echo' | 'fail' | 'closed';

/** What the target's client agent reported (client mode only). */
export interface ClientOutcome {
  opened: boolean;
  protocol?: string;
  error?: string;
  closeCode?: number;
  closeReason?: string;
  /** False when the agent had not finished when the case ended. */
  settled: boolean;
}

/** Everything a case saw, handed to its expectation. */
export interface Seen {
  mode: Mode;
  /**
   * permessage-deflate cases: what was agreed (null: the server declined), as the driver read
   * the 101's Sec-WebSocket-Extensions; undefined for other cases.
   */
  agreed?: Agreed | null;
  /** Server mode: the response head to our request (undefined if none came). */
  response?: Head;
  /** Client mode: the request head the client sent. */
  request?: Head;
  /** Client mode: the agent's own report. */
  client?: ClientOutcome;
  messages: readonly ReceivedMessage[];
  /** Pongs other than the finishing marker. */
  pongs: readonly TimedPayload[];
  pings: readonly TimedPayload[];
  close: ReceivedClose | undefined;
  violations: readonly string[];
  /** The peer answered the finishing ping marker (so it processed every byte before it). */
  synced: boolean;
  /** The peer dropped the TCP connection (FIN or reset) before we ended ours. */
  peerDropped: boolean;
  /** The TCP connection was closed when the case ended. */
  tcpClosed: boolean;
  events: readonly DriverEvent[];
  /** True when the peer's Close (or disconnect) came before the named mark was written. */
  closedBefore(mark: string): boolean;
}

export interface Case {
  /** Stable id: `<group>.<name>`. */
  id: string;
  group: Group;
  title: string;
  /** Default both. */
  modes?: readonly Mode[];
  steps: readonly Step[];
  finish: Finish;
  expect: (seen: Seen) => Judgement;
  /** Hang guard for each wait of this case, in ms (large payloads need more). */
  guardMs?: number;
  /** Server mode: the raw request to send instead of a valid one (handshake cases). */
  request?: (ctx: { host: string; path: string; key: string }) => string | Uint8Array;
  /** How to write our HTTP head (request or response); default whole. */
  headChunking?: Chunking;
  /** Client mode: the raw response instead of a valid 101. */
  response?: (request: Head) => string | Uint8Array;
  /**
   * Server mode: run against the target's server with permessage-deflate on, offering
   * `offer` as Sec-WebSocket-Extensions (null: offer nothing).
   */
  deflate?: { offer: string | null };
  /**
   * Finish 'echo': wait for this many messages back before the marker ping. A peer may answer a
   * ping before it delivers a message still being inflated (a Pong need not wait for data,
   * §5.5.3), so with compression the marker alone does not prove the echoes are out.
   */
  replies?: number;
  /** Client mode: subprotocols the client agent offers. */
  protocols?: readonly string[];
}
