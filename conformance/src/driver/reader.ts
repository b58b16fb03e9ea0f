/**
 * Parses what the peer under test writes, frame by frame, and records every RFC rule it breaks.
 * Independent of @ws/frame on purpose (see frames.ts).
 */

export interface ReceivedFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Uint8Array;
  /** Milliseconds since the connection opened. */
  at: number;
}

export interface ReceivedMessage {
  type: 'text' | 'binary';
  data: Uint8Array;
  at: number;
  /** RSV1 was set on its first frame (permessage-deflate): `data` is still compressed. */
  compressed?: boolean;
}

export interface ReceivedClose {
  /** Undefined for an empty close payload (1005: no status code present). */
  code: number | undefined;
  reason: string;
  payloadLength: number;
  at: number;
}

const fatalDecoder = new TextDecoder('utf-8', { fatal: true });

export function isValidUtf8(bytes: Uint8Array): boolean {
  try {
    fatalDecoder.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** §7.4: codes an endpoint may put in a Close frame. */
export function isSendableCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}

export interface ReaderSink {
  frame(frame: ReceivedFrame): void;
  message(message: ReceivedMessage): void;
  closeFrame(close: ReceivedClose): void;
  violation(what: string): void;
}

/**
 * An incremental frame parser for the peer's bytes. `peer` is the role of the implementation
 * under test: a server's frames must be unmasked, a client's masked (§5.1).
 */
export class FrameReader {
  private chunks: Uint8Array[] = [];
  private total = 0;
  /** Bytes the frame at the head of the buffer needs before it can be parsed. */
  private need = 2;
  private fragments: Uint8Array[] = [];
  private fragmentType: 'text' | 'binary' | null = null;
  private fragmentCompressed = false;
  private closed = false;
  private broken = false;
  /** permessage-deflate is in force: RSV1 may be set on the first frame of a data message. */
  deflate = false;

  constructor(
    private readonly peer: 'client' | 'server',
    private readonly sink: ReaderSink,
    private readonly clock: () => number,
  ) {}

  push(chunk: Uint8Array): void {
    if (this.broken) return;
    this.chunks.push(chunk);
    this.total += chunk.length;
    // Gather only once a whole frame is there: joining on every read is quadratic for 16 MiB.
    if (this.total < this.need) return;
    const buffer = this.chunks.length === 1 ? this.chunks[0]! : concatAll(this.chunks, this.total);
    let offset = 0;
    this.need = 2;
    for (;;) {
      const consumed = this.parseOne(buffer, offset);
      if (consumed === 0) break;
      offset += consumed;
      if (this.broken) break;
    }
    const rest = buffer.slice(offset);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.total = rest.length;
  }

  /** Bytes received that do not form a whole frame yet. */
  get pendingBytes(): number {
    return this.total;
  }

  /** Parses the frame at `offset`; returns its size, or 0 (setting `need`) when it is incomplete. */
  private parseOne(buffer: Uint8Array, offset: number): number {
    const available = buffer.length - offset;
    this.need = 2;
    if (available < 2) return 0;
    const b0 = buffer[offset]!;
    const b1 = buffer[offset + 1]!;
    const masked = (b1 & 0x80) !== 0;
    let length = b1 & 0x7f;
    let header = 2;
    if (length === 126) {
      this.need = 4;
      if (available < 4) return 0;
      length = (buffer[offset + 2]! << 8) | buffer[offset + 3]!;
      header = 4;
    } else if (length === 127) {
      this.need = 10;
      if (available < 10) return 0;
      const view = new DataView(buffer.buffer, buffer.byteOffset + offset + 2, 8);
      const big = view.getBigUint64(0);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) {
        this.sink.violation(`64-bit length ${big} with the high bits set (§5.2)`);
        this.broken = true;
        return 0;
      }
      length = Number(big);
      header = 10;
    }
    const keyLength = masked ? 4 : 0;
    this.need = header + keyLength + length;
    if (available < this.need) return 0;
    if ((header === 4 && length < 126) || (header === 10 && length <= 0xffff)) {
      this.sink.violation(`non-minimal length encoding of ${length} (§5.2)`);
    }
    const start = offset + header + keyLength;
    const payload = buffer.slice(start, start + length);
    if (masked) {
      const key = buffer.subarray(offset + header, offset + header + 4);
      for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i & 3]!;
    }
    const frame: ReceivedFrame = {
      fin: (b0 & 0x80) !== 0,
      rsv: (b0 >> 4) & 7,
      opcode: b0 & 0xf,
      masked,
      payload,
      at: this.clock(),
    };
    this.check(frame);
    this.sink.frame(frame);
    this.assemble(frame);
    return header + keyLength + length;
  }

  private check(frame: ReceivedFrame): void {
    const { sink } = this;
    if (this.closed)
      sink.violation(`frame (opcode ${frame.opcode}) after the Close frame (§5.5.1)`);
    if (this.peer === 'client' && !frame.masked)
      sink.violation('unmasked frame from a client (§5.1)');
    if (this.peer === 'server' && frame.masked) sink.violation('masked frame from a server (§5.1)');
    const op = frame.opcode;
    const rsv = this.deflate ? frame.rsv & 3 : frame.rsv;
    if (rsv !== 0) sink.violation(`RSV bits ${rsv} set without an extension (§5.2)`);
    if (this.deflate && (frame.rsv & 4) !== 0 && op !== 1 && op !== 2) {
      // RFC 7692 §6.1: "An endpoint MUST NOT set the "Per-Message Compressed" bit of control
      // frames and non-first fragments of a data message."
      sink.violation(`RSV1 on a ${op === 0 ? 'continuation' : 'control'} frame (RFC 7692 §6.1)`);
    }
    if ((op >= 3 && op <= 7) || op >= 0xb) sink.violation(`reserved opcode ${op} (§5.2)`);
    if (op >= 8) {
      if (!frame.fin) sink.violation(`fragmented control frame (§5.5)`);
      if (frame.payload.length > 125) {
        sink.violation(`control frame payload of ${frame.payload.length} bytes (§5.5)`);
      }
    }
  }

  private assemble(frame: ReceivedFrame): void {
    const { sink } = this;
    switch (frame.opcode) {
      case 0x0:
        if (this.fragmentType === null) {
          sink.violation('continuation frame without a message to continue (§5.4)');
          return;
        }
        this.fragments.push(frame.payload);
        if (frame.fin) this.finishMessage(frame.at);
        return;
      case 0x1:
      case 0x2:
        if (this.fragmentType !== null) {
          sink.violation('new data frame inside a fragmented message (§5.4)');
        }
        this.fragmentType = frame.opcode === 1 ? 'text' : 'binary';
        this.fragmentCompressed = this.deflate && (frame.rsv & 4) !== 0;
        this.fragments = [frame.payload];
        if (frame.fin) this.finishMessage(frame.at);
        return;
      case 0x8: {
        const p = frame.payload;
        if (this.closed) return;
        this.closed = true;
        if (p.length === 1) sink.violation('Close payload of 1 byte (§5.5.1)');
        const code = p.length >= 2 ? (p[0]! << 8) | p[1]! : undefined;
        if (code !== undefined && !isSendableCloseCode(code)) {
          sink.violation(`Close code ${code} that may not be sent (§7.4)`);
        }
        const reasonBytes = p.subarray(2);
        if (!isValidUtf8(reasonBytes)) sink.violation('Close reason that is not UTF-8 (§5.5.1)');
        sink.closeFrame({
          code,
          reason: new TextDecoder().decode(reasonBytes),
          payloadLength: p.length,
          at: frame.at,
        });
        return;
      }
      default:
        return;
    }
  }

  private finishMessage(at: number): void {
    const type = this.fragmentType!;
    const parts = this.fragments;
    let total = 0;
    for (const part of parts) total += part.length;
    const data = parts.length === 1 ? parts[0]! : new Uint8Array(total);
    if (parts.length !== 1) {
      let offset = 0;
      for (const part of parts) {
        data.set(part, offset);
        offset += part.length;
      }
    }
    this.fragmentType = null;
    this.fragments = [];
    if (this.fragmentCompressed) {
      this.sink.message({ type, data, at, compressed: true });
      return;
    }
    if (type === 'text' && !isValidUtf8(data)) {
      this.sink.violation('text message that is not UTF-8 (§8.1)');
    }
    this.sink.message({ type, data, at });
  }
}

function concatAll(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
