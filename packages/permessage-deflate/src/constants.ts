/** Messages shorter than this many bytes are sent uncompressed by default (as in `ws`). */
export const DEFAULT_THRESHOLD = 1024;

/** RFC 7692 §6: permessage-deflate marks a compressed message with RSV1 on its first frame. */
export const RSV1 = 0x4;
