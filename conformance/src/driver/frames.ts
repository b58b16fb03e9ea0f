/**
 * The driver's own frame writer: deliberately independent of @ws/frame (a harness that shares
 * the codec under test could not catch its bugs), and able to write frames the RFC forbids.
 */

export const OP = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
} as const;

const encoder = new TextEncoder();

export type Payload = Uint8Array | string;

/** One frame to write, valid or not. Everything not given takes the valid default. */
export interface FrameSpec {
  opcode: number;
  /** FIN bit. Default true. */
  fin?: boolean;
  /** RSV1..3 as a 3-bit number (4 = RSV1, 2 = RSV2, 1 = RSV3). Default 0. */
  rsv?: number;
  payload?: Payload;
  /**
   * 'role' (default) masks exactly when the sender is a client (§5.1); 'violate' does the
   * opposite; a 4-byte key forces that key.
   */
  mask?: 'role' | 'violate' | Uint8Array;
  /** Length field form: 'minimal' (default, §5.2) or a forced wider form (7, 16 or 64 bits). */
  lengthForm?: 'minimal' | 16 | 64;
  /** Claim this length instead of the payload's (the payload bytes written stay as given). */
  claimedLength?: bigint;
}

export function bytesOf(payload: Payload | undefined): Uint8Array {
  if (payload === undefined) return new Uint8Array(0);
  return typeof payload === 'string' ? encoder.encode(payload) : payload;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Close frame payload: 2-byte code (§5.5.1) then the reason. */
export function closePayload(code?: number, reason: Payload = ''): Uint8Array {
  if (code === undefined) return new Uint8Array(0);
  const text = bytesOf(reason);
  const out = new Uint8Array(2 + text.length);
  out[0] = code >> 8;
  out[1] = code & 0xff;
  out.set(text, 2);
  return out;
}

let maskCounter = 0x1234567;

function nextMaskKey(): Uint8Array {
  // Deterministic but varying keys: a harness must be reproducible; the target cannot rely on them.
  maskCounter = (Math.imul(maskCounter, 1103515245) + 12345) >>> 0;
  const key = new Uint8Array(4);
  new DataView(key.buffer).setUint32(0, maskCounter | 0x01010101);
  return key;
}

/** The bytes of one frame, written as a `sender` would (clients mask, servers do not, §5.1). */
export function encodeFrame(spec: FrameSpec, sender: 'client' | 'server'): Uint8Array {
  const payload = bytesOf(spec.payload);
  const fin = spec.fin ?? true;
  const rsv = spec.rsv ?? 0;
  const mode = spec.mask ?? 'role';
  const key =
    mode instanceof Uint8Array
      ? mode
      : (mode === 'role') === (sender === 'client')
        ? nextMaskKey()
        : undefined;
  const length = spec.claimedLength ?? BigInt(payload.length);
  const form =
    spec.lengthForm === 64 || length > 0xffffn
      ? 64
      : spec.lengthForm === 16 || length > 125n
        ? 16
        : 7;
  const headerLength = 2 + (form === 16 ? 2 : form === 64 ? 8 : 0) + (key ? 4 : 0);
  const out = new Uint8Array(headerLength + payload.length);
  const view = new DataView(out.buffer);
  out[0] = (fin ? 0x80 : 0) | ((rsv & 7) << 4) | (spec.opcode & 0xf);
  let offset = 2;
  if (form === 7) out[1] = Number(length);
  else if (form === 16) {
    out[1] = 126;
    view.setUint16(2, Number(length));
    offset = 4;
  } else {
    out[1] = 127;
    view.setBigUint64(2, length);
    offset = 10;
  }
  if (key) {
    out[1]! |= 0x80;
    out.set(key, offset);
    offset += 4;
    for (let i = 0; i < payload.length; i++) out[offset + i] = payload[i]! ^ key[i & 3]!;
  } else out.set(payload, offset);
  return out;
}

/** Deterministic filler: byte i is (i * 31 + seed) & 0xff. */
export function pattern(length: number, seed = 7): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

/** ASCII text of exactly `length` bytes. */
export function asciiText(length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return alphabet.repeat(Math.ceil(length / alphabet.length)).slice(0, length);
}
