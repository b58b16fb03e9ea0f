import {
  CHUNKINGS,
  type Chunking,
  type Corpus,
  type CorpusStream,
  chunkLengths,
  fnv1a,
  generateCorpus,
} from '../corpus.js';
import { cpuNow } from '../harness/clock.js';
import type { Candidate, Sample, Section, SectionContext } from '../harness/types.js';
import { type FrameCodecApi, loadFrameCodec } from '../implementations/ours.js';
import { loadWs, type WsInstance } from '../implementations/ws.js';

const MAX_PAYLOAD = 64 * 1024 * 1024;

/** What a decoder saw in one pass over one stream. */
export interface Tally {
  frames: number;
  bytes: number;
  errors: string[];
}

/** Feeds chunks to one fresh decoder; returns when every chunk is pushed. */
export type DecodeDriver = (
  role: 'server' | 'client',
  chunks: readonly Buffer[],
  tally: Tally,
) => void;

/**
 * Whole-frame mode, what a user of @ws/frame alone gets, and the headline: like ws's Receiver,
 * every frame is handed out whole, those spanning chunks gathered (and unmasked) once.
 * `allocate`: where the decoder gets the buffer of a frame that spans chunks. Default (none):
 * pure web APIs, a region of a shared zeroed slab up to 4 KiB and `new Uint8Array(length)`
 * above, which zero-fills; a Node binding passes `Buffer.allocUnsafe`, which does not (every
 * byte is overwritten before the frame is handed out).
 */
export function oursDriver(
  api: FrameCodecApi,
  allocate?: (length: number) => Uint8Array,
): DecodeDriver {
  const options = allocate === undefined ? {} : { allocate };
  return (role, chunks, tally) => {
    const decoder = new api.FrameDecoder(
      { role, maxPayloadLength: MAX_PAYLOAD, ...options },
      {
        onFrame(frame) {
          tally.frames++;
          tally.bytes += frame.payload.length;
        },
        onError(error) {
          tally.errors.push(`${error.kind}: ${error.message}`);
        },
      },
    );
    for (let i = 0; i < chunks.length; i++) decoder.push(chunks[i]!);
  };
}

/**
 * Streaming mode, the one @ws/protocol builds on: data frame payloads handed out in pieces as
 * they arrive (views of the chunks, unmasked in place), nothing gathered and nothing allocated.
 * Not the same work as ws's whole messages: it shows what a consumer that processes data as it
 * comes (or assembles messages itself) starts from.
 */
export function oursStreamingDriver(api: FrameCodecApi): DecodeDriver {
  return (role, chunks, tally) => {
    const decoder = new api.FrameDecoder(
      { role, maxPayloadLength: MAX_PAYLOAD, streaming: true },
      {
        onFrame(frame) {
          tally.frames++;
          tally.bytes += frame.payload.length;
        },
        onFrameStart() {},
        onFrameData(data, last) {
          tally.bytes += data.length;
          if (last) tally.frames++;
        },
        onError(error) {
          tally.errors.push(`${error.kind}: ${error.message}`);
        },
      },
    );
    for (let i = 0; i < chunks.length; i++) decoder.push(chunks[i]!);
  };
}

/** ws's Receiver is a Writable: `write` is how ws feeds it socket data (socketOnData). */
export function wsDriver(ws: WsInstance): DecodeDriver {
  return (role, chunks, tally) => {
    const receiver = new ws.Receiver({
      isServer: role === 'server',
      maxPayload: MAX_PAYLOAD,
      allowSynchronousEvents: true,
    });
    receiver.on('message', (data) => {
      tally.frames++;
      tally.bytes += data.length;
    });
    receiver.on('error', (error) => tally.errors.push(error.message));
    for (let i = 0; i < chunks.length; i++) receiver.write(chunks[i]!);
  };
}

/**
 * A stream cut into chunks. Decoders unmask in place, so before every pass the stream's bytes
 * are copied back into `scratch` (untimed) and the chunks are Buffer views of `scratch`: the
 * kind of chunk a Node socket delivers.
 */
export interface PreparedStream {
  stream: CorpusStream;
  scratch: Buffer;
  chunks: Buffer[];
}

export function prepare(stream: CorpusStream, chunking: Chunking): PreparedStream {
  const scratch = Buffer.alloc(stream.bytes.length);
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const length of chunkLengths(stream.bytes.length, chunking)) {
    chunks.push(scratch.subarray(offset, offset + length));
    offset += length;
  }
  return { stream, scratch, chunks };
}

/** Decodes every stream once, timing only the pushes; describes any miscount in `problems`. */
export function decodePass(
  driver: DecodeDriver,
  streams: readonly PreparedStream[],
  problems: string[],
): { seconds: number; frames: number; bytes: number } {
  let seconds = 0;
  let frames = 0;
  let bytes = 0;
  for (const prepared of streams) {
    prepared.scratch.set(prepared.stream.bytes);
    const tally: Tally = { frames: 0, bytes: 0, errors: [] };
    const start = cpuNow();
    driver(prepared.stream.role, prepared.chunks, tally);
    seconds += cpuNow() - start;
    const { stream } = prepared;
    if (tally.errors.length > 0) problems.push(`${stream.role} stream: ${tally.errors[0]}`);
    if (tally.frames !== stream.frameCount || tally.bytes !== stream.payloadBytes)
      problems.push(
        `${stream.role} stream: ${tally.frames} frames / ${tally.bytes} bytes, expected ${stream.frameCount} / ${stream.payloadBytes}`,
      );
    frames += tally.frames;
    bytes += tally.bytes;
  }
  return { seconds, frames, bytes };
}

/** One full decode of the corpus with ours, checking every frame's length and the payload digest. */
export function verifyOurs(
  api: FrameCodecApi,
  prepared: readonly PreparedStream[],
  allocate?: (length: number) => Uint8Array,
): string | undefined {
  const options = allocate === undefined ? {} : { allocate };
  for (const { stream, scratch, chunks } of prepared) {
    scratch.set(stream.bytes);
    const lengths: number[] = [];
    let digest = 0x811c9dc5;
    let problem: string | undefined;
    const decoder = new api.FrameDecoder(
      { role: stream.role, maxPayloadLength: MAX_PAYLOAD, ...options },
      {
        onFrame(frame) {
          if (frame.opcode !== 0x2 || !frame.fin || frame.rsv1 || frame.rsv2 || frame.rsv3)
            problem ??= `frame ${lengths.length} came out with the wrong flags or opcode`;
          lengths.push(frame.payload.length);
          digest = fnv1a(frame.payload, digest);
        },
        onError(error) {
          problem ??= `${error.kind}: ${error.message}`;
        },
      },
    );
    for (const chunk of chunks) decoder.push(chunk);
    if (problem !== undefined) return `${stream.role} stream: ${problem}`;
    if (lengths.length !== stream.frameCount)
      return `${stream.role} stream: ${lengths.length} frames`;
    const wrong = lengths.findIndex((length, i) => length !== stream.payloadLengths[i]);
    if (wrong >= 0) return `${stream.role} stream: frame ${wrong} has ${lengths[wrong]} bytes`;
    if (digest !== stream.payloadDigest) return `${stream.role} stream: payload bytes differ`;
    if (decoder.bufferedBytes !== 0)
      return `${stream.role} stream: ${decoder.bufferedBytes} bytes left buffered`;
  }
  return undefined;
}

function decodeCandidate(
  name: string,
  role: Candidate['role'],
  driver: DecodeDriver,
  streams: readonly PreparedStream[],
  problems: string[],
): Candidate {
  return {
    name,
    role,
    run(iterations: number): Sample {
      // One untimed pass first: the harness forces a full GC before every round, and right
      // after one ws's Receiver runs slower than ours (stop 12: 1.5–1.6× read this way against
      // 1.1× in the steady state). The steady state, where the previous passes' frames are
      // being recycled, is what a long-running server sees.
      decodePass(driver, streams, []);
      let seconds = 0;
      let frames = 0;
      let bytes = 0;
      for (let i = 0; i < iterations; i++) {
        const mine: string[] = [];
        const pass = decodePass(driver, streams, mine);
        for (const p of mine) problems.push(`${name}: ${p}`);
        seconds += pass.seconds;
        frames += pass.frames;
        bytes += pass.bytes;
      }
      return { ops: iterations, seconds, bytes, metrics: { framesPerSec: frames / seconds } };
    },
  };
}

const CHUNKING_LABELS: Record<keyof typeof CHUNKINGS, string> = {
  fixed64k: '64 KiB chunks',
  random4k: 'random 1 B–4 KiB chunks',
};

/** Node's uninitialised allocation, as a Node binding hands it to the decoder. */
const allocUnsafe = (length: number): Uint8Array => Buffer.allocUnsafe(length);

let corpusCache: Corpus | undefined;
export function corpus(): Corpus {
  corpusCache ??= generateCorpus();
  return corpusCache;
}

export const frameDecodeSection: Section = {
  id: 'frame-decode',
  title: 'decoding bench',
  async run(ctx: SectionContext) {
    const loaded = await loadFrameCodec();
    if (!loaded.ok) return ctx.unavailable('@ws/frame decoder', loaded.reason);
    ctx.log('creating frame for decoding bench');
    const data = corpus();
    ctx.log('start decoding - bench');
    const ws = loadWs();
    const prepared = Object.fromEntries(
      Object.entries(CHUNKINGS).map(([key, chunking]) => [
        key,
        [prepare(data.masked, chunking), prepare(data.unmasked, chunking)],
      ]),
    ) as Record<keyof typeof CHUNKINGS, PreparedStream[]>;

    for (const key of Object.keys(CHUNKINGS) as (keyof typeof CHUNKINGS)[]) {
      ctx.verify(
        `frame decode (${CHUNKING_LABELS[key]}): every frame's length and payload as generated`,
        () => verifyOurs(loaded.api, prepared[key]),
      );
      ctx.verify(
        `frame decode (${CHUNKING_LABELS[key]}, allocate: Buffer.allocUnsafe): every frame's length and payload as generated`,
        () => verifyOurs(loaded.api, prepared[key], allocUnsafe),
      );
    }
    const counted: string[] = [];
    const tally = decodePass(oursDriver(loaded.api), prepared.fixed64k, counted);
    ctx.log(`frame_count ${tally.frames}  frame_xor_count ${data.masked.frameCount}`);
    ctx.log(`total_len_frame_decoded ${tally.bytes}  xored frame len ${data.masked.payloadBytes}`);
    if (
      ctx.failedChecks() > 0 ||
      !ctx.check('frame decode: corpus counts', counted.length === 0, counted[0])
    )
      return;

    for (const key of Object.keys(CHUNKINGS) as (keyof typeof CHUNKINGS)[]) {
      const problems: string[] = [];
      const streams = prepared[key];
      await ctx.bench({
        id: `frame-decode.${key}`,
        title: `checking decoding of frame (${CHUNKING_LABELS[key]})`,
        candidates: [
          decodeCandidate('ours', 'ours', oursDriver(loaded.api), streams, problems),
          decodeCandidate(
            'ours, allocate: Buffer.allocUnsafe',
            'ours',
            oursDriver(loaded.api, allocUnsafe),
            streams,
            problems,
          ),
          decodeCandidate(
            'ours, streaming (pieces, not gathered)',
            'ours',
            oursStreamingDriver(loaded.api),
            streams,
            problems,
          ),
          decodeCandidate(
            ws.withBufferutil.label,
            'reference',
            wsDriver(ws.withBufferutil),
            streams,
            problems,
          ),
          decodeCandidate(
            ws.withoutBufferutil.label,
            'reference',
            wsDriver(ws.withoutBufferutil),
            streams,
            problems,
          ),
        ],
      });
      ctx.check(
        `frame decode (${CHUNKING_LABELS[key]}): every candidate decoded ${data.frameCount} frames / ${data.payloadBytes} bytes in every round`,
        problems.length === 0,
        problems[0],
      );
    }
  },
};
