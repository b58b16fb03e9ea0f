import { COMMA, equalsLowerAt, isOws } from './chars.js';

/**
 * Whether the comma-separated list `value` holds `lower` as an element, compared ASCII
 * case-insensitively (RFC 7230 §7 lists with OWS around commas; empty elements are ignored).
 * Linear in `value.length`: each character is visited once.
 */
export function hasListToken(value: string, lower: string): boolean {
  const n = value.length;
  let i = 0;
  while (i < n) {
    while (i < n && (isOws(value.charCodeAt(i)) || value.charCodeAt(i) === COMMA)) i++;
    const start = i;
    while (i < n && value.charCodeAt(i) !== COMMA) i++;
    let end = i;
    while (end > start && isOws(value.charCodeAt(end - 1))) end--;
    if (end > start && equalsLowerAt(value, start, end, lower)) return true;
  }
  return false;
}
