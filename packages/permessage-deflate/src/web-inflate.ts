import { join } from './bytes.js';
import type { InflateResult } from './inflate-result.js';

/**
 * RFC 7692 §7.2.2: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of the payload of the
 * message" — then an empty stored block with BFINAL set (`01 00 00 ff ff`), so the stream ends
 * and a `DecompressionStream` does not fail with "unexpected end of file" (it has no sync flush).
 */
const TAIL_AND_END = /* @__PURE__ */ new Uint8Array([
  0x00, 0x00, 0xff, 0xff, 0x01, 0x00, 0x00, 0xff, 0xff,
]);

/**
 * How a message's DEFLATE data ends:
 * - `flushed`: with an empty stored block whose `00 00 ff ff` was removed (§7.2.1; what zlib-based
 *   peers such as browsers, `ws` and python-websockets send);
 * - `final-octet`: a block with BFINAL set, then the octet 0x00 (§7.2.3.4; what `deflateMessage`
 *   sends);
 * - `final`: a block with BFINAL set and nothing after it.
 */
type Ending = 'flushed' | 'final-octet' | 'final';

/** The order to try the endings in, by the ending the previous message had. */
const ORDERS: Readonly<Record<Ending, readonly Ending[]>> = {
  flushed: ['flushed', 'final-octet', 'final'],
  'final-octet': ['final-octet', 'final', 'flushed'],
  final: ['final', 'final-octet', 'flushed'],
};

/**
 * One direction's decompressor for messages sent without context takeover: each message is
 * inflated by a fresh `DecompressionStream('deflate-raw')`. Inflation is bounded: the output is
 * read chunk by chunk and the stream is cancelled as soon as the count passes the limit, so a small
 * compressed message cannot make it hold more than `maxSize` plus one chunk of the runtime's
 * (16 KiB on Node, 64 KiB on Bun 1.4; the stream's own backpressure stops it producing more while
 * unread: a 256 MiB bomb against a 1 MiB limit raised ArrayBuffer memory by 0.6 MiB on Node 20).
 *
 * Runtimes differ on data after the end of a DEFLATE stream: Node 20 and 22 ignore it; Node 24,
 * Bun and browsers reject it, as the Compression Streams standard requires since 2023. So the
 * three endings are tried in turn, the one that worked last first, and the first that decodes
 * wins. Each ending gives the same bytes zlib would give for the message, so the order changes
 * only the work done, never the result. Calls may overlap: nothing but that hint is shared.
 */
export class WebInflater {
  #order: readonly Ending[] = ORDERS.flushed;

  async inflate(payload: Uint8Array, maxSize: number): Promise<InflateResult> {
    let first: InflateResult | null = null;
    for (const ending of this.#order) {
      const input = inputFor(payload, ending);
      if (input === null) continue;
      const result = await inflateOnce(input, maxSize);
      // Too large is final whichever the ending: each decodes the same prefix.
      if (result.ok || result.kind === 'too-large') {
        if (result.ok) this.#order = ORDERS[ending];
        return result;
      }
      first ??= result;
    }
    return first ?? { ok: false, kind: 'corrupt', message: 'invalid compressed data: empty' };
  }
}

/**
 * Below this, the payload and `TAIL_AND_END` are copied into one write: on Node each write to a
 * DecompressionStream is a zlib call on the thread pool, and one instead of two took a 1 KiB
 * message from 72 to 52 µs (medians of 5 × 2000); above it, the copy would cost more than the trip.
 */
const JOIN_BELOW = 64 * 1024;

function inputFor(payload: Uint8Array, ending: Ending): Uint8Array[] | null {
  const n = payload.length;
  if (ending === 'flushed') {
    if (n >= JOIN_BELOW) return [payload, TAIL_AND_END];
    const joined = new Uint8Array(n + TAIL_AND_END.length);
    joined.set(payload);
    joined.set(TAIL_AND_END, n);
    return [joined];
  }
  if (ending === 'final-octet') {
    return n >= 2 && payload[n - 1] === 0x00 ? [payload.subarray(0, n - 1)] : null;
  }
  return n > 0 ? [payload] : null;
}

async function inflateOnce(input: readonly Uint8Array[], maxSize: number): Promise<InflateResult> {
  const stream = new DecompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  // Written without waiting: the readable side's backpressure bounds what is inflated ahead.
  for (const part of input) writer.write(part as Uint8Array<ArrayBuffer>).catch(ignore);
  writer.close().catch(ignore);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { ok: true, data: join(chunks, total) };
      total += value.length;
      if (total > maxSize) {
        // RFC 6455 §7.4.1 1009 "message that is too big": stop inflating now.
        reader.cancel().catch(ignore);
        return {
          ok: false,
          kind: 'too-large',
          message: `inflated message of more than ${maxSize} bytes`,
          inflated: total,
        };
      }
      chunks.push(value);
    }
  } catch (error) {
    const detail = error instanceof Error && error.message !== '' ? `: ${error.message}` : '';
    return { ok: false, kind: 'corrupt', message: `invalid compressed data${detail}` };
  }
}

function ignore(): void {}
