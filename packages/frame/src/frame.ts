/**
 * A WebSocket frame as a plain record (RFC 6455 §5.2). The payload length and the
 * masking key are not part of it: they are derived when encoding and consumed when decoding,
 * so `payload` here is always the unmasked application data.
 */
export interface Frame {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  payload: Uint8Array;
}

/** What a decoder knows once a frame's header has arrived, before its payload. */
export interface FrameHeader {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  payloadLength: number;
}
