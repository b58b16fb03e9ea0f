import { type Extension, Protocol, type ProtocolEvent } from '@ws/protocol';

export const hex = (text: string): Uint8Array =>
  new Uint8Array(
    text
      .split(/\s+/)
      .filter(Boolean)
      .map((byte) => Number.parseInt(byte, 16)),
  );

export const toHex = (bytes: Uint8Array): string =>
  [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');

/** An unmasked frame as a server sends it (payload < 126 bytes), for a client-role Protocol. */
export function serverFrame(firstByte: number, payload: Uint8Array): Uint8Array {
  if (payload.length > 125) throw new RangeError('short frames only');
  return new Uint8Array([firstByte, payload.length, ...payload]);
}

/** Waits until `done()` holds; the long limit is only a hang guard, never a timing assertion. */
export async function until(done: () => boolean, limit = 10_000): Promise<void> {
  for (let waited = 0; !done() && waited < limit; waited += 2) {
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

export interface Peer {
  protocol: Protocol;
  events: ProtocolEvent[];
}

/** A client-role Protocol collecting its events. */
export function peer(
  role: 'server' | 'client',
  extensions: Extension[],
  maxMessageSize?: number,
): Peer {
  const events: ProtocolEvent[] = [];
  const protocol = new Protocol({
    role,
    extensions,
    ...(maxMessageSize === undefined ? {} : { limits: { maxMessageSize } }),
    onEvent: (event) => events.push(event),
  });
  return { protocol, events };
}

/**
 * Moves bytes between two Protocols until `done()` (each direction in order), giving zlib's
 * thread pool a turn between passes. Returns every byte each side wrote.
 */
export async function exchange(
  a: Protocol,
  b: Protocol,
  done: () => boolean,
): Promise<{ aToB: Uint8Array[]; bToA: Uint8Array[] }> {
  const aToB: Uint8Array[] = [];
  const bToA: Uint8Array[] = [];
  for (let pass = 0; pass < 5000; pass++) {
    for (const part of a.bytesToSend()) {
      aToB.push(part.slice());
      b.receive(part.slice());
    }
    for (const part of b.bytesToSend()) {
      bToA.push(part.slice());
      a.receive(part.slice());
    }
    if (done()) break;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return { aToB, bToA };
}

export interface WireFrame {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  payload: Uint8Array;
}

/** A small, obviously-correct frame reader (RFC 6455 §5.2) for checking what went on the wire. */
export function parseFrames(parts: readonly Uint8Array[]): WireFrame[] {
  const bytes = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  const frames: WireFrame[] = [];
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i]!;
    const b1 = bytes[i + 1]!;
    i += 2;
    let length = b1 & 0x7f;
    if (length === 126) {
      length = (bytes[i]! << 8) | bytes[i + 1]!;
      i += 2;
    } else if (length === 127) {
      length = 0;
      for (let k = 0; k < 8; k++) length = length * 256 + bytes[i + k]!;
      i += 8;
    }
    const mask = b1 & 0x80 ? bytes.slice(i, i + 4) : null;
    if (mask !== null) i += 4;
    const payload = bytes.slice(i, i + length);
    if (mask !== null) for (let k = 0; k < payload.length; k++) payload[k]! ^= mask[k & 3]!;
    i += length;
    frames.push({ fin: (b0 & 0x80) !== 0, rsv1: (b0 & 0x40) !== 0, opcode: b0 & 0x0f, payload });
  }
  return frames;
}

/** A masked frame with a zero masking key (payload as is), any length. */
export function rawClientFrame(firstByte: number, payload: Uint8Array): Uint8Array {
  const n = payload.length;
  const head =
    n < 126
      ? [firstByte, 0x80 | n]
      : n < 65536
        ? [firstByte, 0x80 | 126, n >> 8, n & 0xff]
        : [
            firstByte,
            0x80 | 127,
            0,
            0,
            0,
            0,
            (n >>> 24) & 0xff,
            (n >> 16) & 0xff,
            (n >> 8) & 0xff,
            n & 0xff,
          ];
  return new Uint8Array([...head, 0, 0, 0, 0, ...payload]);
}
