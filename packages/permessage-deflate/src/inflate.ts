import { constants, createInflateRaw, type InflateRaw } from 'node:zlib';
import { join } from './bytes.js';
import type { InflateResult } from './inflate-result.js';

export type { InflateResult } from './inflate-result.js';

/**
 * RFC 7692 §7.2.2: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of the payload of the
 * message", restoring the empty stored block the sender removed (§7.2.1).
 */
const TAIL = /* @__PURE__ */ new Uint8Array([0x00, 0x00, 0xff, 0xff]);

/** zlib's output chunk: the most a message can be inflated past its limit before it stops. */
export const INFLATE_CHUNK_SIZE = 16 * 1024;

/**
 * One direction's decompressor (RFC 7692 §7.2.2). Inflation is bounded: output is counted
 * chunk by chunk as zlib produces it and the stream is destroyed as soon as the count passes the
 * limit, so a small compressed message cannot make it allocate more than `maxSize` plus one
 * 16 KiB chunk (a 64 KiB bomb of a 64 MiB message stops after 1 MiB + 16 KiB of output with a
 * 1 MiB limit, having read about 1 KiB of its input). Calls must not overlap: the caller
 * (the extension) runs them one at a time, in message order.
 */
export class Inflater {
  readonly #windowBits: number;
  readonly #noContextTakeover: boolean;
  #stream: InflateRaw | null = null;

  constructor(windowBits: number, noContextTakeover: boolean) {
    // node:zlib's raw deflate cannot use a 2^8 window and silently uses 2^9, so peers built on it
    // (ws, ours) that agreed to 8 send 9-bit distances. A larger window decodes every smaller
    // one, so the inflater accepts 9 for 8.
    this.#windowBits = Math.max(windowBits, 9);
    this.#noContextTakeover = noContextTakeover;
  }

  inflate(payload: Uint8Array, maxSize: number): Promise<InflateResult> {
    const stream = (this.#stream ??= this.#create());
    return new Promise<InflateResult>((resolve) => {
      const chunks: Uint8Array[] = [];
      let total = 0;
      let settled = false;
      let ended = false;
      const finish = (result: InflateResult): void => {
        if (settled) return;
        settled = true;
        stream.off('data', onData);
        stream.off('error', onError);
        stream.off('end', onEnd);
        stream.off('close', onClose);
        if (!result.ok) this.#discard(stream);
        else if (ended) {
          // The message ended its DEFLATE stream with a BFINAL block (§7.2.3.5): the sender
          // starts a new stream, and so a new window, with the next message.
          this.#discard(stream);
        } else if (this.#noContextTakeover) stream.reset();
        resolve(result);
      };
      const onData = (chunk: Uint8Array): void => {
        total += chunk.length;
        if (total > maxSize) {
          // RFC 6455 §7.4.1 1009 "message that is too big": stop inflating now.
          finish({
            ok: false,
            kind: 'too-large',
            message: `inflated message of more than ${maxSize} bytes`,
            inflated: total,
          });
          return;
        }
        chunks.push(chunk);
      };
      const onError = (error: Error): void => {
        finish({
          ok: false,
          kind: 'corrupt',
          message: `invalid compressed data: ${error.message}`,
        });
      };
      const onEnd = (): void => {
        ended = true;
      };
      const onClose = (): void => {
        finish({ ok: false, kind: 'corrupt', message: 'the decompressor was closed' });
      };
      stream.on('data', onData);
      stream.on('error', onError);
      stream.on('end', onEnd);
      stream.on('close', onClose);
      stream.write(payload);
      stream.write(TAIL, () => {
        finish({ ok: true, data: join(chunks, total) });
      });
    });
  }

  /** Releases zlib's memory; a later `inflate` starts a new stream. */
  close(): void {
    if (this.#stream !== null) this.#discard(this.#stream);
  }

  #create(): InflateRaw {
    const stream = createInflateRaw({
      windowBits: this.#windowBits,
      chunkSize: INFLATE_CHUNK_SIZE,
      // Every write is a sync flush, so the message is complete when the tail's write is done:
      // two thread-pool trips per message instead of three.
      flush: constants.Z_SYNC_FLUSH,
    });
    // Errors are reported through the pending inflate's result; one arriving after it settled
    // (a destroyed stream's late callback) must not become an uncaught 'error' event.
    stream.on('error', ignore);
    return stream;
  }

  #discard(stream: InflateRaw): void {
    if (this.#stream === stream) this.#stream = null;
    stream.close();
  }
}

function ignore(): void {}
