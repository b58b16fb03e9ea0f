import { COMMA, isOws, isTchar, isToken } from './chars.js';
import {
  type ListLimits,
  resolveLimits,
  type ScanMeter,
  type ScanResult,
  scanError,
} from './scan.js';

export type ProtocolsResult = { ok: true; protocols: string[] } | { ok: false; reason: string };

/**
 * Parses a `Sec-WebSocket-Protocol` request value (RFC 6455 §4.3: `1#token`). Elements are tokens,
 * separated by commas with optional whitespace; empty elements are skipped (RFC 7230 §7). Returns an
 * error value for a malformed, empty, oversized or duplicated list: this is peer input.
 */
export function parseProtocols(value: string, limits?: ListLimits): ProtocolsResult {
  const result = scanProtocols(value, limits);
  return result.ok ? { ok: true, protocols: result.value } : result;
}

/** The scanner behind `parseProtocols`, with an optional work counter for linearity tests. */
export function scanProtocols(
  value: string,
  limits?: ListLimits,
  meter?: ScanMeter,
): ScanResult<string[]> {
  const { maxHeaderValueLength, maxListItems } = resolveLimits(limits);
  const n = value.length;
  if (n > maxHeaderValueLength) {
    return scanError(`Sec-WebSocket-Protocol is longer than ${maxHeaderValueLength} characters`);
  }
  const protocols: string[] = [];
  let steps = 0;
  let i = 0;
  let error: string | undefined;
  let seen: Set<string> | undefined;
  while (i < n) {
    steps++;
    let c = value.charCodeAt(i);
    if (isOws(c) || c === COMMA) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && isTchar(value.charCodeAt(i))) {
      steps++;
      i++;
    }
    if (i === start) {
      error = `Sec-WebSocket-Protocol has an invalid character at position ${i}`;
      break;
    }
    const protocol = value.slice(start, i);
    while (i < n && isOws(value.charCodeAt(i))) {
      steps++;
      i++;
    }
    if (i < n && (c = value.charCodeAt(i)) !== COMMA) {
      error = `Sec-WebSocket-Protocol has an invalid character at position ${i}`;
      break;
    }
    // RFC 6455 §4.1: the protocol values "MUST all be unique strings". A linear scan is cheapest
    // for the usual one to three offers; a Set keeps long lists (a raised limit) linear.
    if (protocols.length === 16) seen = new Set(protocols);
    steps += seen === undefined ? protocols.length : 1;
    if (seen === undefined ? protocols.includes(protocol) : seen.has(protocol)) {
      error = `Sec-WebSocket-Protocol offers the same protocol twice (at position ${start})`;
      break;
    }
    if (protocols.length === maxListItems) {
      error = `Sec-WebSocket-Protocol offers more than ${maxListItems} protocols`;
      break;
    }
    protocols.push(protocol);
    seen?.add(protocol);
  }
  if (meter !== undefined) meter.steps += steps;
  if (error !== undefined) return scanError(error);
  if (protocols.length === 0) return scanError('Sec-WebSocket-Protocol is empty');
  return { ok: true, value: protocols };
}

/**
 * Formats protocols for a client's `Sec-WebSocket-Protocol` header. Throws TypeError unless every
 * item is a token and all are unique (RFC 6455 §4.1 client requirement); an empty list gives ''.
 */
export function formatProtocols(protocols: readonly string[]): string {
  for (let i = 0; i < protocols.length; i++) {
    const protocol = protocols[i]!;
    if (typeof protocol !== 'string' || !isToken(protocol)) {
      throw new TypeError(`subprotocol must be a non-empty token, got ${JSON.stringify(protocol)}`);
    }
    if (protocols.indexOf(protocol) !== i) {
      throw new TypeError(`subprotocol ${JSON.stringify(protocol)} is listed twice`);
    }
  }
  return protocols.join(', ');
}

/**
 * The server's choice of subprotocol: `chosen` when the client offered it, `undefined` for none.
 * RFC 6455 §4.2.2: the server answers with one of the offered values, never the list. Choosing a value
 * the client did not offer is a programming error and throws TypeError.
 */
export function selectProtocol(
  offered: readonly string[],
  chosen: string | undefined,
): string | undefined {
  if (chosen === undefined) return undefined;
  if (!offered.includes(chosen)) {
    throw new TypeError(
      `subprotocol ${JSON.stringify(chosen)} was not offered by the client (offered: ${JSON.stringify(offered)})`,
    );
  }
  return chosen;
}

/** The first protocol of the client's offer (in the client's order of preference) that the server supports. */
export function negotiateProtocol(
  offered: readonly string[],
  supported: readonly string[],
): string | undefined {
  for (const protocol of offered) if (supported.includes(protocol)) return protocol;
  return undefined;
}
