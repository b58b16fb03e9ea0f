import type { AcceptedHandshake } from '@ws/handshake';
import type { UpgradeRequest } from './request.js';

export interface AllowOriginsOptions {
  /**
   * Accept requests without an `Origin` header. Browsers always send one (RFC 6455 §4.1 item
   * 8; §10.2), so only non-browser clients omit it, and they can forge any origin anyway.
   * Default true.
   */
  allowMissing?: boolean;
}

/** ASCII-lowercases scheme and host and drops a trailing slash: "HTTPS://Example.com/" → "https://example.com". */
function normalize(origin: string): string {
  const trimmed = origin.endsWith('/') ? origin.slice(0, -1) : origin;
  return trimmed.toLowerCase();
}

/**
 * A `verify` hook against cross-site WebSocket hijacking: accepts a handshake only when its
 * `Origin` is one of `origins` (exact serialized origins such as "https://example.com" or
 * "http://localhost:8080", compared case-insensitively, or RegExps tested against the origin
 * as sent). Anything else is refused with 403 (RFC 6455 §10.2: "If the server does not wish to
 * accept this connection, it MUST return an appropriate HTTP error code (e.g., 403 Forbidden)").
 */
export function allowOrigins(
  origins: readonly (string | RegExp)[],
  options?: AllowOriginsOptions,
): (req: UpgradeRequest, handshake: AcceptedHandshake) => boolean {
  if (!Array.isArray(origins)) {
    throw new TypeError('allowOrigins: expected an array of origin strings or RegExps');
  }
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const origin of origins) {
    if (typeof origin === 'string') exact.add(normalize(origin));
    else if (origin instanceof RegExp) patterns.push(origin);
    else throw new TypeError(`allowOrigins: expected a string or RegExp, got ${typeof origin}`);
  }
  const allowMissing = options?.allowMissing ?? true;
  return (_req, handshake) => {
    const origin = handshake.origin;
    if (origin === undefined) return allowMissing;
    if (exact.has(normalize(origin))) return true;
    for (const pattern of patterns) {
      pattern.lastIndex = 0;
      if (pattern.test(origin)) return true;
    }
    return false;
  };
}
