const HEX_BYTE: readonly string[] = /* @__PURE__ */ Array.from({ length: 256 }, (_, i) =>
  i.toString(16).padStart(2, '0'),
);

/** The 40 lowercase hex digits of a five-word hash value, big-endian (FIPS 180-4 §6.1.2). */
export function wordsToHex(state: Int32Array): string {
  let out = '';
  for (let i = 0; i < 5; i++) {
    const w = state[i];
    out +=
      HEX_BYTE[(w >>> 24) & 0xff] +
      HEX_BYTE[(w >>> 16) & 0xff] +
      HEX_BYTE[(w >>> 8) & 0xff] +
      HEX_BYTE[w & 0xff];
  }
  return out;
}
