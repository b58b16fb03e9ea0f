import { decode, encode } from '@ws/base64';
import { sha1 } from '@ws/sha1';

/** RFC 6455 §1.3: the GUID appended to the client's key before hashing. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * RFC 6455 §4.2.2 item 5.4: `Sec-WebSocket-Accept` is base64(SHA-1(key + GUID)), with `key` as the
 * client sent it (not decoded). `acceptKey("dGhlIHNhbXBsZSBub25jZQ==")` is "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=".
 */
export function acceptKey(key: string): string {
  if (typeof key !== 'string') throw new TypeError('key must be a string');
  return encode(sha1(key + WEBSOCKET_GUID));
}

/**
 * RFC 6455 §4.1: `Sec-WebSocket-Key` is "a randomly selected 16-byte value that has been base64-encoded".
 * Strict base64 (canonical padding and trailing bits), decoding to exactly 16 bytes.
 */
export function isValidKey(key: string): boolean {
  // A 16-byte value encodes to 24 characters ending in "=="; checking that first skips most junk cheaply.
  if (key.length !== 24 || key.charCodeAt(22) !== 0x3d || key.charCodeAt(23) !== 0x3d) return false;
  try {
    return decode(key).length === 16;
  } catch {
    return false;
  }
}

/**
 * A fresh `Sec-WebSocket-Key`: 16 random bytes, base64. RFC 6455 §4.1: the nonce "MUST be selected
 * randomly for each connection"; the default source is `crypto.getRandomValues` (a CSPRNG). Tests may
 * inject `random`, which must fill the array it is given.
 */
export function generateKey(random?: (bytes: Uint8Array) => void): string {
  const bytes = new Uint8Array(16);
  if (random === undefined) {
    globalThis.crypto.getRandomValues(bytes);
  } else if (typeof random === 'function') {
    random(bytes);
  } else {
    throw new TypeError('random must be a function that fills a Uint8Array');
  }
  return encode(bytes);
}
