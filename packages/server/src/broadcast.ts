import { encodeFrame, encodeFrameParts, Opcode } from '@ws/frame';
import type { ServerConnection } from './server-connection.js';

/** What `broadcast` does with a client whose `bufferedAmount` is over `maxBufferedAmount`. */
export type SlowClientPolicy = 'skip' | 'terminate';

/** Payloads up to this size are copied next to their header (one write); larger ones are not copied. */
const SMALL_PAYLOAD = 16 * 1024;

const textEncoder = /* @__PURE__ */ new TextEncoder();

/** A message encoded once as a server frame (§5.1: unmasked), to write as is to every client. */
export interface EncodedMessage {
  /** The whole frame, or only its header when `payload` is set. */
  readonly head: Uint8Array;
  /** The payload of a large frame, written after `head` without a copy; null otherwise. */
  readonly payload: Uint8Array | null;
  /** The message as given, for a client that needs it re-sent through its own queue. */
  readonly data: string | Uint8Array;
}

export function toBytes(data: Uint8Array | ArrayBuffer | ArrayBufferView): Uint8Array {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data))
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError('broadcast: expected a string, Uint8Array, ArrayBuffer or ArrayBufferView');
}

/** §5.6: a string is one text frame (UTF-8), bytes one binary frame. */
export function encodeMessage(
  data: string | Uint8Array | ArrayBuffer | ArrayBufferView,
): EncodedMessage {
  const text = typeof data === 'string';
  const payload = text ? textEncoder.encode(data) : toBytes(data);
  const opcode = text ? Opcode.Text : Opcode.Binary;
  if (payload.length <= SMALL_PAYLOAD) {
    return { head: encodeFrame({ opcode, payload }), payload: null, data: text ? data : payload };
  }
  const [head, body] = encodeFrameParts({ opcode, payload });
  return { head, payload: body, data: text ? data : payload };
}

/**
 * Writes an encoded message to one client. The frame goes straight to the socket when nothing of
 * this connection is waiting in its own queue (then order is kept: earlier frames were already
 * written, later ones follow). Otherwise it is sent through the connection, so it stays behind
 * the frames queued before it.
 */
export function writeEncoded(connection: ServerConnection, message: EncodedMessage): void {
  if (connection.protocol.pendingBytes > 0) {
    const data = message.data;
    if (typeof data === 'string') void connection.sendText(data);
    else void connection.sendBinary(data);
    return;
  }
  const socket = connection.socket;
  if (message.payload === null) {
    socket.write(message.head);
    return;
  }
  // Header and payload leave in one writev system call.
  socket.cork();
  socket.write(message.head);
  socket.write(message.payload);
  socket.uncork();
}
