export interface EncodeOptions {
  /** Use the base64url alphabet (RFC 4648 §5) instead of base64 (§4). Default false. */
  readonly url?: boolean;
  /** Append "=" padding (RFC 4648 §3.2). Default true for base64, false for base64url. */
  readonly pad?: boolean;
}

export interface DecodeOptions {
  /**
   * Use the base64url alphabet (RFC 4648 §5). Default false. In url mode the padding may be
   * omitted; base64 mode requires it.
   */
  readonly url?: boolean;
}

export function isUint8Array(value: unknown): value is Uint8Array {
  return (
    value instanceof Uint8Array ||
    (ArrayBuffer.isView(value) && value.constructor?.name === 'Uint8Array')
  );
}

/** What a wrong argument was, for a TypeError message. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return value.constructor?.name ?? 'object';
  return typeof value;
}
