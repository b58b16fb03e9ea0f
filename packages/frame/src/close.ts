/** Close frame payloads (RFC 6455 §5.5.1): an optional 2-byte status code, then a UTF-8 reason. */
import { CloseCode, isValidCloseCode } from './close-code.js';
import { FrameError } from './errors.js';
import { isValidUtf8 } from './utf8.js';

/** A decoded close payload. `code` is 1005 (NoStatus) when the payload was empty. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** §5.5: a control frame payload is at most 125 bytes, 2 of them for the code. */
const MAX_CLOSE_PAYLOAD = 125;
const MAX_REASON_BYTES = MAX_CLOSE_PAYLOAD - 2;

let encoder: TextEncoder | undefined;
let decoder: TextDecoder | undefined;

/**
 * The payload of a Close frame. No code gives an empty payload (§5.5.1: the body is optional).
 * Throws RangeError for a code that may not be sent (see `isValidCloseCode`), a reason longer
 * than 123 UTF-8 bytes, or a reason without a code.
 */
export function encodeClose(code?: number, reason = ''): Uint8Array {
  if (typeof reason !== 'string') {
    throw new TypeError('encodeClose: expected reason to be a string');
  }
  if (code === undefined) {
    if (reason !== '') throw new RangeError('encodeClose: a reason needs a status code');
    return new Uint8Array(0);
  }
  // §7.4: only codes defined for the wire; 1005, 1006 and 1015 MUST NOT be sent.
  if (!isValidCloseCode(code)) {
    throw new RangeError(
      `encodeClose: expected a close code of 1000–1003, 1007–1014 or 3000–4999, got ${code}`,
    );
  }
  // §5.5.1: the reason is UTF-8 (a lone surrogate in the string becomes U+FFFD).
  encoder ??= new TextEncoder();
  const text = encoder.encode(reason);
  if (text.length > MAX_REASON_BYTES) {
    throw new RangeError(
      `encodeClose: expected a reason of at most ${MAX_REASON_BYTES} UTF-8 bytes, got ${text.length}`,
    );
  }
  const payload = new Uint8Array(2 + text.length);
  // §5.5.1: the status code is a 2-byte unsigned integer in network byte order.
  payload[0] = code >>> 8;
  payload[1] = code & 0xff;
  payload.set(text, 2);
  return payload;
}

/**
 * Parses a Close frame payload. Peer input: errors are returned, never thrown.
 * Empty → `{ code: 1005, reason: '' }`; 1 byte or a code not allowed on the wire →
 * 'invalid-close-payload' (1002); more than 125 bytes → 'control-frame-too-long' (1002);
 * a reason that is not UTF-8 → 'invalid-utf8' (1007).
 */
export function decodeClose(payload: Uint8Array): CloseInfo | FrameError {
  const n = payload.length;
  // §7.1.5: a Close frame with no status code is reported as 1005.
  if (n === 0) return { code: CloseCode.NoStatus, reason: '' };
  if (n === 1) {
    return new FrameError('invalid-close-payload', 'close payload of 1 byte: the code needs 2');
  }
  if (n > MAX_CLOSE_PAYLOAD) {
    return new FrameError(
      'control-frame-too-long',
      `close payload of ${n} bytes: a control frame carries at most ${MAX_CLOSE_PAYLOAD}`,
    );
  }
  const code = (payload[0]! << 8) | payload[1]!;
  if (!isValidCloseCode(code)) {
    return new FrameError('invalid-close-payload', `close code ${code} is not allowed on the wire`);
  }
  if (n === 2) return { code, reason: '' };
  const text = payload.subarray(2);
  // §5.5.1 / §8.1: the reason MUST be valid UTF-8, else fail the connection (1007).
  if (!isValidUtf8(text)) {
    return new FrameError('invalid-utf8', 'close reason is not valid UTF-8');
  }
  // ignoreBOM: a leading U+FEFF is part of the reason, not a byte order mark to drop.
  decoder ??= new TextDecoder('utf-8', { ignoreBOM: true });
  return { code, reason: decoder.decode(text) };
}
