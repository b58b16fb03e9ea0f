/**
 * Every way a peer's bytes can break the wire format, each with the close code to send
 * (RFC 6455 §7.4.1). One table, so a kind and its code cannot drift apart.
 */
export const FRAME_ERROR_CLOSE_CODES = {
  /** §5.2: opcodes 0x3–0x7 and 0xB–0xF are reserved. */
  'reserved-opcode': 1002,
  /** §5.2: RSV1–3 MUST be 0 unless an extension defining them was negotiated. */
  'reserved-bits': 1002,
  /** §5.5: all control frames MUST have a payload length of 125 bytes or less. */
  'control-frame-too-long': 1002,
  /** §5.5: control frames MUST NOT be fragmented. */
  'fragmented-control-frame': 1002,
  /** §5.2: the minimal number of bytes MUST be used to encode the length. */
  'non-minimal-length': 1002,
  /** §5.2: the most significant bit of a 64-bit length MUST be 0. */
  'length-out-of-range': 1002,
  /** A frame (or message) larger than the configured limit. */
  'payload-too-large': 1009,
  /** §5.1: a server MUST close the connection upon receiving an unmasked frame. */
  'mask-required': 1002,
  /** §5.1: a client MUST close the connection if it detects a masked frame. */
  'mask-forbidden': 1002,
  /** §5.5.1: a close payload of 1 byte, or a code that is not allowed on the wire. */
  'invalid-close-payload': 1002,
  /** §8.1: text (and close reasons) MUST be valid UTF-8. */
  'invalid-utf8': 1007,
} as const;

export type FrameErrorKind = keyof typeof FRAME_ERROR_CLOSE_CODES;

/**
 * A typed error value for something the peer sent. It is returned or handed to a callback,
 * never thrown: parsing a peer's bytes cannot throw.
 */
export class FrameError extends Error {
  override readonly name = 'FrameError';
  /** The close code to send for this error (1002, 1007, 1009, …). */
  readonly closeCode: number;

  constructor(
    readonly kind: FrameErrorKind,
    message: string,
    /** False only for a masking violation seen with `strict: false`: reported, not fatal. */
    readonly fatal = true,
  ) {
    super(message);
    this.closeCode = FRAME_ERROR_CLOSE_CODES[kind];
  }
}
