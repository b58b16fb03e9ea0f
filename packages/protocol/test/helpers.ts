import {
  decodeFrames,
  encodeClose,
  encodeFrame,
  type Frame,
  type FrameInit,
  Opcode,
} from '@ws/frame';
import { Protocol, type ProtocolEvent, type ProtocolOptions } from '../src/index.js';

export { Opcode };

/** The RFC 6455 §5.7 example masking key. */
export const KEY = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);

const encoder = new TextEncoder();

export function bytes(data: Uint8Array | string | number[]): Uint8Array {
  if (typeof data === 'string') return encoder.encode(data);
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

type FrameOptions = Omit<FrameInit, 'opcode' | 'payload'>;

/** A frame as a client sends it (masked with KEY), for a server-role Protocol. */
export function clientFrame(
  opcode: number,
  payload: Uint8Array | string | number[] = new Uint8Array(0),
  options: FrameOptions = {},
): Uint8Array {
  return encodeFrame({ opcode, payload: bytes(payload), ...options }, { mask: KEY });
}

/** A frame as a server sends it (unmasked), for a client-role Protocol. */
export function serverFrame(
  opcode: number,
  payload: Uint8Array | string | number[] = new Uint8Array(0),
  options: FrameOptions = {},
): Uint8Array {
  return encodeFrame({ opcode, payload: bytes(payload), ...options });
}

export function closeFrame(code?: number, reason?: string): Uint8Array {
  return clientFrame(Opcode.Close, encodeClose(code, reason));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A Protocol whose events are collected in `events`. */
export function collect(options: Partial<ProtocolOptions> = {}): {
  protocol: Protocol;
  events: ProtocolEvent[];
} {
  const events: ProtocolEvent[] = [];
  const protocol = new Protocol({
    role: 'server',
    ...options,
    onEvent: (event) => events.push(event),
  });
  return { protocol, events };
}

/** The frames a Protocol has queued to send, decoded (the queue is emptied). */
export function sentFrames(protocol: Protocol): Frame[] {
  const out = concat(...protocol.bytesToSend());
  // What a server sends is read by a client-role decoder and vice versa.
  const role = protocol.role === 'server' ? 'client' : 'server';
  const frames = decodeFrames(out, {
    role,
    maxPayloadLength: Number.POSITIVE_INFINITY,
    allowedRsv: 7,
  });
  if (!Array.isArray(frames)) throw frames;
  return frames;
}

/** A close frame's code, or undefined for none. */
export function closeCodeOf(frame: Frame): number | undefined {
  if (frame.opcode !== Opcode.Close || frame.payload.length < 2) return undefined;
  return (frame.payload[0]! << 8) | frame.payload[1]!;
}

/** The kinds of events, for compact assertions. */
export function types(events: ProtocolEvent[]): string[] {
  return events.map((event) => (event.type === 'error' ? `error:${event.error.kind}` : event.type));
}

/** Moves every queued byte from `from` to `to` until both are quiet. */
export function pump(a: Protocol, b: Protocol): void {
  for (let round = 0; round < 100; round++) {
    const ab = a.bytesToSend();
    const ba = b.bytesToSend();
    if (ab.length === 0 && ba.length === 0) return;
    for (const part of ab) b.receive(part.slice());
    for (const part of ba) a.receive(part.slice());
  }
  throw new Error('pump: still sending after 100 rounds');
}
