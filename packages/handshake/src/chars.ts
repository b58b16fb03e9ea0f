/** Character classes of RFC 7230 §3.2.6 / §3.2, one flag per class, indexed by byte or char code. */
const TOKEN = 1;
const QDTEXT = 2;
const FIELD = 4;
const QUOTED_PAIR = 8;

const TABLE = /* @__PURE__ */ (() => {
  const table = new Uint8Array(256);
  // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
  for (const c of "!#$%&'*+-.^_`|~") table[c.charCodeAt(0)] |= TOKEN;
  for (let c = 0x30; c <= 0x39; c++) table[c] |= TOKEN;
  for (let c = 0x41; c <= 0x5a; c++) table[c] |= TOKEN;
  for (let c = 0x61; c <= 0x7a; c++) table[c] |= TOKEN;
  // field-vchar = VCHAR / obs-text, with SP and HTAB allowed inside a field value.
  // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text ).
  for (let c = 0x21; c <= 0xff; c++) if (c !== 0x7f) table[c] |= FIELD | QUOTED_PAIR;
  table[0x20] |= FIELD | QUOTED_PAIR | QDTEXT;
  table[0x09] |= FIELD | QUOTED_PAIR | QDTEXT;
  // qdtext = HTAB / SP / "!" / %x23-5B / %x5D-7E / obs-text
  for (let c = 0x21; c <= 0xff; c++) if (c !== 0x22 && c !== 0x5c && c !== 0x7f) table[c] |= QDTEXT;
  return table;
})();

export const SP = 0x20;
export const HTAB = 0x09;
export const CR = 0x0d;
export const LF = 0x0a;
export const COMMA = 0x2c;
export const SEMICOLON = 0x3b;
export const EQUALS = 0x3d;
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;
export const COLON = 0x3a;

export function isTchar(c: number): boolean {
  return c < 256 && (TABLE[c]! & TOKEN) !== 0;
}

export function isQdtext(c: number): boolean {
  return c < 256 && (TABLE[c]! & QDTEXT) !== 0;
}

export function isQuotedPairChar(c: number): boolean {
  return c < 256 && (TABLE[c]! & QUOTED_PAIR) !== 0;
}

/** A byte allowed inside a header field value: HTAB, SP, VCHAR or obs-text (no NUL, CR, LF or other CTL). */
export function isFieldChar(c: number): boolean {
  return c < 256 && (TABLE[c]! & FIELD) !== 0;
}

export function isOws(c: number): boolean {
  return c === SP || c === HTAB;
}

/** RFC 7230 §3.2.6: token = 1*tchar. */
export function isToken(value: string): boolean {
  const n = value.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) if (!isTchar(value.charCodeAt(i))) return false;
  return true;
}

/** RFC 7230 §3.2: a field value is field-vchar with SP/HTAB between; NUL, CR, LF and other CTLs never. */
export function isFieldValue(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (!isFieldChar(value.charCodeAt(i))) return false;
  return true;
}

/** Strips leading and trailing OWS (SP / HTAB), RFC 7230 §3.2.4. */
export function trimOws(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

/** ASCII case-insensitive comparison of `value.slice(start, end)` with a lowercase `lower`. */
export function equalsLowerAt(value: string, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    let c = value.charCodeAt(start + i);
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}
