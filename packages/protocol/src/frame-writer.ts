import { type MaskKeySource, mask, maskCopy } from '@ws/frame';

/**
 * Payloads up to this size are copied next to their header into a shared batch buffer, so all
 * small frames produced in one tick leave in one write; larger ones go out as their own part
 * without a copy (unmasked) — header in the batch, payload as is.
 */
const SMALL_PAYLOAD = 16 * 1024;
/** Smallest and largest batch buffer allocated. */
const MIN_BATCH = 256;
const MAX_BATCH = 64 * 1024;
/** What take() returns when nothing is queued (shared, frozen: callers only read it). */
const NOTHING: Uint8Array[] = /* @__PURE__ */ Object.freeze([]) as unknown as Uint8Array[];

export interface OutputListener {
  outputReady(): void;
}

/**
 * Encodes outgoing frames (RFC 6455 §5.2) into a queue of parts to write in order. A part is
 * either a run of whole small frames (header + payload, one buffer) or a large payload written
 * without copying. Everything queued between two `take()` calls is meant for one write.
 */
export class FrameWriter {
  private parts: Uint8Array[] | null = null;
  private batch: Uint8Array | null = null;
  /** Bytes batch[start..end) are queued but not yet cut into `parts`. */
  private start = 0;
  private end = 0;
  private pending = 0;
  /**
   * The next batch's size: what the last one needed (so a steady echo allocates one buffer per
   * write, of the right size). A batch is not kept between writes: an idle connection holds
   * no output buffer.
   */
  private batchSize = MIN_BATCH;
  /** §5.3: a fresh key per frame, written here first. Null for a server (never masks). */
  private readonly key: Uint8Array | null;

  constructor(
    masking: boolean,
    private readonly keySource: MaskKeySource,
    /** Told when bytes become available after take() emptied the queue. */
    private readonly listener: OutputListener,
    /** See ProtocolOptions.allocateOutput: buffers only the transport reads, written range only. */
    private readonly allocateOutput?: (size: number) => Uint8Array,
  ) {
    this.key = masking ? new Uint8Array(4) : null;
  }

  /** Bytes queued and not yet taken. */
  get pendingBytes(): number {
    return this.pending;
  }

  /**
   * Queues one frame. `owned`: the payload is ours to mask in place (a client masks a copy of
   * a caller's buffer; §5.3 masking must not change what the caller passed).
   */
  frame(opcode: number, payload: Uint8Array, fin: boolean, rsv: number, owned: boolean): void {
    const key = this.key;
    const length = payload.length;
    const first = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
    // §5.2: the payload length in 7 bits, or 126 + 16 bits, or 127 + 64 bits (minimal form).
    const size = (length < 126 ? 2 : length < 0x10000 ? 4 : 10) + (key === null ? 0 : 4);
    if (key !== null) this.keySource.next(key, 0);
    if (length <= SMALL_PAYLOAD) {
      const batch = this.reserve(size + length);
      const at = putHeader(batch, this.end, first, length, key);
      if (key !== null) maskCopy(payload, batch, at, key);
      else if (length < 64) for (let i = 0; i < length; i++) batch[at + i] = payload[i]!;
      else batch.set(payload, at);
      this.end = at + length;
    } else {
      const batch = this.reserve(size);
      this.end = putHeader(batch, this.end, first, length, key);
      this.cut();
      let body = payload;
      if (key !== null) {
        if (owned) mask(body, key);
        else {
          // Every byte is written by maskCopy before the part is queued: no zero-fill needed.
          body = this.allocateOutput?.(length) ?? new Uint8Array(length);
          maskCopy(payload, body, 0, key);
        }
      }
      (this.parts ??= []).push(body);
    }
    this.added(size + length);
  }

  /**
   * Queues a text frame for a string of at most 125 UTF-16 units, writing ASCII straight into
   * the batch (no TextEncoder call, no intermediate buffer). Returns false, having written
   * nothing, when the string is not pure ASCII.
   */
  asciiFrame(opcode: number, text: string, fin: boolean): boolean {
    const length = text.length;
    const key = this.key;
    const size = key === null ? 2 : 6;
    const batch = this.reserve(size + length);
    let at = this.end + size;
    if (key === null) {
      for (let i = 0; i < length; i++) {
        const c = text.charCodeAt(i);
        if (c > 0x7f) return false;
        batch[at + i] = c;
      }
    } else {
      this.keySource.next(key, 0);
      const k0 = key[0]!;
      const k1 = key[1]!;
      const k2 = key[2]!;
      const k3 = key[3]!;
      for (let i = 0; i < length; i++) {
        const c = text.charCodeAt(i);
        if (c > 0x7f) return false;
        // §5.3: octet i of the masked data is octet i of the data XOR octet i MOD 4 of the key.
        const j = i & 3;
        batch[at + i] = c ^ (j === 0 ? k0 : j === 1 ? k1 : j === 2 ? k2 : k3);
      }
    }
    at = this.end;
    batch[at] = (fin ? 0x80 : 0) | opcode;
    batch[at + 1] = (key === null ? 0 : 0x80) | length;
    if (key !== null) {
      batch[at + 2] = key[0]!;
      batch[at + 3] = key[1]!;
      batch[at + 4] = key[2]!;
      batch[at + 5] = key[3]!;
    }
    this.end = at + size + length;
    this.added(size + length);
    return true;
  }

  /** Everything queued since the last call, in order; the caller writes it as one batch. */
  take(): Uint8Array[] {
    this.cut();
    const parts = this.parts ?? NOTHING;
    this.parts = null;
    this.pending = 0;
    if (this.batch !== null) {
      this.batchSize = Math.min(MAX_BATCH, Math.max(MIN_BATCH, this.end));
      this.batch = null;
      this.start = this.end = 0;
    }
    return parts;
  }

  private added(bytes: number): void {
    const was = this.pending;
    this.pending = was + bytes;
    if (was === 0) this.listener.outputReady();
  }

  /** A batch with `bytes` free at `this.end`. */
  private reserve(bytes: number): Uint8Array {
    const batch = this.batch;
    if (batch !== null && this.end + bytes <= batch.length) return batch;
    const run = this.end - this.start;
    if (batch !== null) this.batchSize = Math.min(MAX_BATCH, batch.length * 2);
    if (batch !== null && run > 0 && run + bytes <= this.batchSize) {
      // Move the frames of this run into a bigger buffer: still one part, one buffer to write.
      const fresh = this.allocateOutput?.(this.batchSize) ?? new Uint8Array(this.batchSize);
      fresh.set(batch.subarray(this.start, this.end));
      this.batch = fresh;
      this.start = 0;
      this.end = run;
      return fresh;
    }
    this.cut();
    const size = Math.max(bytes, this.batchSize);
    // Only the written range of a batch is ever handed out (as parts), so it need not be
    // zeroed: on Node a pooled Buffer.allocUnsafe slice. Measured here (in-process echo of
    // 32 B messages, one per flush): 1.17–1.35× the messages per second of a zero-filled
    // `new Uint8Array(256)` per flush, and 1.1–1.2× a batch kept and reused after the write
    // callback, which would also hold ~0.45 KiB per idle connection.
    const fresh = this.allocateOutput?.(size) ?? new Uint8Array(size);
    this.batch = fresh;
    this.start = this.end = 0;
    return fresh;
  }

  /** Moves batch[start..end) into `parts`. */
  private cut(): void {
    if (this.end > this.start) {
      (this.parts ??= []).push(this.batch!.subarray(this.start, this.end));
      this.start = this.end;
    }
  }
}

/**
 * Writes a frame header (RFC 6455 §5.2) at `at` and returns the offset after it. Written here
 * rather than with @ws/frame's writeHeader, which validates its arguments on every call: the
 * writer's arguments are its own. Measured here, interleaved: with the batch sizing below, 1.5x
 * the 32-byte sends per second of the first version, which called writeHeader.
 */
function putHeader(
  target: Uint8Array,
  at: number,
  first: number,
  length: number,
  key: Uint8Array | null,
): number {
  const maskBit = key === null ? 0 : 0x80;
  target[at] = first;
  if (length < 126) {
    target[at + 1] = maskBit | length;
    at += 2;
  } else if (length < 0x10000) {
    target[at + 1] = maskBit | 126;
    target[at + 2] = length >>> 8;
    target[at + 3] = length & 0xff;
    at += 4;
  } else {
    target[at + 1] = maskBit | 127;
    // §5.2: the most significant bit of a 64-bit length MUST be 0 (lengths here are < 2^53).
    const high = Math.floor(length / 0x1_0000_0000);
    target[at + 2] = 0;
    target[at + 3] = 0;
    target[at + 4] = (high >>> 8) & 0xff;
    target[at + 5] = high & 0xff;
    target[at + 6] = length >>> 24;
    target[at + 7] = (length >>> 16) & 0xff;
    target[at + 8] = (length >>> 8) & 0xff;
    target[at + 9] = length & 0xff;
    at += 10;
  }
  if (key !== null) {
    target[at] = key[0]!;
    target[at + 1] = key[1]!;
    target[at + 2] = key[2]!;
    target[at + 3] = key[3]!;
    at += 4;
  }
  return at;
}
