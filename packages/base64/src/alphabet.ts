/** RFC 4648 §4, Table 1. */
export const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** RFC 4648 §5, Table 2: "-" and "_" replace "+" and "/". */
export const BASE64URL_ALPHABET =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export const PAD = 0x3d; // '='

/** Lookup tables for one alphabet. */
export interface Tables {
  readonly chars: string;
  /** 6-bit value → character code. */
  readonly codes: Uint8Array;
  /**
   * 12-bit lookups: two output characters as two ASCII bytes in platform byte order, for one
   * 16-bit store each.
   */
  readonly pairs16: Uint16Array;
  /** `pairs16` widened to 32 bits, so two lookups combine into one 32-bit store. */
  readonly pairs32: Uint32Array;
  /** Character code (0–255) → 6-bit value, or 0xff for a character outside the alphabet. */
  readonly values: Uint8Array;
}

export const littleEndian: boolean = /* @__PURE__ */ isLittleEndian();

function isLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

function buildTables(chars: string): Tables {
  const pairs16 = new Uint16Array(4096);
  for (let i = 0; i < 4096; i++) {
    const hi = chars.charCodeAt(i >>> 6);
    const lo = chars.charCodeAt(i & 63);
    pairs16[i] = littleEndian ? hi | (lo << 8) : (hi << 8) | lo;
  }
  const values = new Uint8Array(256).fill(0xff);
  for (let i = 0; i < 64; i++) values[chars.charCodeAt(i)] = i;
  const codes = Uint8Array.from({ length: 64 }, (_, i) => chars.charCodeAt(i));
  return { chars, codes, pairs16, pairs32: new Uint32Array(pairs16), values };
}

export const STANDARD: Tables = /* @__PURE__ */ buildTables(BASE64_ALPHABET);
export const URL_SAFE: Tables = /* @__PURE__ */ buildTables(BASE64URL_ALPHABET);
