import type { FrameSpec } from '../driver/frames.js';
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
] as const;

export type Group = (typeof GROUPS)[number];

export type Step =
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
  /** Client mode: subprotocols the client agent offers. */
  protocols?: readonly string[];
}
