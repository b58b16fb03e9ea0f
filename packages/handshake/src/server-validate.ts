import { isOws, trimOws } from './chars.js';
import { type ExtensionOffer, scanExtensions } from './extensions.js';
import { collectHeaders, type HeaderInput } from './header-input.js';
import { isValidKey } from './key.js';
import { hasListToken } from './lists.js';
import { scanProtocols } from './protocols.js';
import { type ListLimits, resolveLimits } from './scan.js';

/** What a server knows of a request: Node's `IncomingMessage` fits as is. */
export interface RequestHead {
  method: string;
  /** `major.minor`, e.g. "1.1". */
  httpVersion: string;
  url: string;
  headers: HeaderInput;
}

/** A valid opening handshake, ready for `acceptResponse`. */
export interface AcceptedHandshake {
  /** `Sec-WebSocket-Key` as sent (24 base64 characters). */
  key: string;
  /** `Sec-WebSocket-Protocol` values in the client's order; empty when none were offered. */
  protocols: string[];
  /** `Sec-WebSocket-Extensions` offers in the client's order; empty when none. */
  extensions: ExtensionOffer[];
  /** `Origin`, when the client sent one (browsers always do). */
  origin: string | undefined;
  host: string;
  url: string;
}

/** Why a request is refused, and the HTTP status that says so: one table, one place. */
export const REJECTION_STATUS = {
  'invalid-http-version': 400,
  'unsupported-http-version': 505,
  'method-not-allowed': 405,
  'invalid-host': 400,
  'missing-upgrade': 400,
  'missing-connection-upgrade': 400,
  'unsupported-websocket-version': 426,
  'invalid-websocket-version': 400,
  'invalid-key': 400,
  'invalid-protocol': 400,
  'invalid-extensions': 400,
} as const;

export type RejectionKind = keyof typeof REJECTION_STATUS;

/** A refused handshake: `rejectResponse(rejection.status, rejection)` gives the bytes to send. */
export interface Rejection {
  kind: RejectionKind;
  status: (typeof REJECTION_STATUS)[RejectionKind];
  /** Human-readable; safe to send as the response body (it never echoes peer bytes). */
  reason: string;
  headers: [string, string][];
}

export type ValidateRequestResult =
  | { ok: true; handshake: AcceptedHandshake }
  | { ok: false; rejection: Rejection };

function reject(kind: RejectionKind, reason: string): { ok: false; rejection: Rejection } {
  const headers: [string, string][] = [];
  // RFC 9110 §15.5.6: a 405 response MUST carry an Allow header.
  if (kind === 'method-not-allowed') headers.push(['Allow', 'GET']);
  // RFC 6455 §4.2.2: answer an unknown version with "a |Sec-WebSocket-Version| header field
  // indicating the version(s) the server is capable of understanding".
  if (kind === 'unsupported-websocket-version') headers.push(['Sec-WebSocket-Version', '13']);
  return { ok: false, rejection: { kind, status: REJECTION_STATUS[kind], reason, headers } };
}

/** "1.1" → 11, "2.0" → 20, anything else → -1. */
function versionNumber(version: string): number {
  if (typeof version !== 'string' || version.length !== 3 || version.charCodeAt(1) !== 0x2e)
    return -1;
  const major = version.charCodeAt(0) - 0x30;
  const minor = version.charCodeAt(2) - 0x30;
  if (major < 0 || major > 9 || minor < 0 || minor > 9) return -1;
  return major * 10 + minor;
}

const HOST = 0;
const UPGRADE = 1;
const CONNECTION = 2;
const KEY = 3;
const VERSION = 4;
const PROTOCOL = 5;
const EXTENSIONS = 6;
const ORIGIN = 7;
const NAMES = [
  'host',
  'upgrade',
  'connection',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'origin',
] as const;

/**
 * Checks a client's opening handshake (RFC 6455 §4.2.1). Never throws on what the client sent: a bad
 * request comes back as a `Rejection` with its status (400, 405, 426, 505) and headers.
 * `options` bounds the protocol and extension headers (see `ListLimits`).
 */
export function validateRequest(request: RequestHead, options?: ListLimits): ValidateRequestResult {
  const limits = resolveLimits(options);
  if (
    typeof request !== 'object' ||
    request === null ||
    typeof request.headers !== 'object' ||
    request.headers === null
  ) {
    throw new TypeError(
      'request must be { method, httpVersion, url, headers } with headers a record or an array',
    );
  }
  // RFC 6455 §4.2.1 item 1: "An HTTP/1.1 or higher GET request".
  const version = versionNumber(request.httpVersion);
  if (version === -1) return reject('invalid-http-version', 'The HTTP version is not valid');
  if (version < 11) {
    return reject('unsupported-http-version', 'A WebSocket handshake needs HTTP/1.1 or later');
  }
  if (request.method !== 'GET') {
    return reject('method-not-allowed', 'A WebSocket handshake must be a GET request');
  }
  const { values, counts } = collectHeaders(request.headers, NAMES);
  // RFC 6455 §4.2.1 item 2 and RFC 7230 §5.4: exactly one Host header (a server MUST answer 400
  // to a request that lacks it or has more than one).
  const host = values[HOST];
  if (host === undefined || host === '')
    return reject('invalid-host', 'The Host header is missing');
  if (counts[HOST]! > 1 || hasWhitespace(host)) {
    return reject('invalid-host', 'The Host header is not a single host');
  }
  // RFC 6455 §4.2.1 items 3 and 4: Upgrade holds "websocket" and Connection holds "Upgrade", both
  // compared case-insensitively, each possibly among other tokens.
  const upgrade = values[UPGRADE];
  if (upgrade === undefined || !hasListToken(upgrade, 'websocket')) {
    return reject('missing-upgrade', 'The Upgrade header must include "websocket"');
  }
  const connection = values[CONNECTION];
  if (connection === undefined || !hasListToken(connection, 'upgrade')) {
    return reject('missing-connection-upgrade', 'The Connection header must include "Upgrade"');
  }
  // RFC 6455 §4.2.1 item 6 and §4.2.2: version 13; for any other, 426 and the version we speak.
  // §11.3.5: the header MUST NOT appear more than once.
  const wsVersion = values[VERSION];
  if (counts[VERSION]! > 1) {
    return reject('invalid-websocket-version', 'Sec-WebSocket-Version appears more than once');
  }
  if (wsVersion !== '13') {
    return reject(
      'unsupported-websocket-version',
      wsVersion === undefined
        ? 'The Sec-WebSocket-Version header is missing; this server speaks version 13'
        : 'Unsupported Sec-WebSocket-Version; this server speaks version 13',
    );
  }
  // RFC 6455 §4.2.1 item 5: a base64 key that decodes to 16 bytes; §11.3.1: it MUST NOT appear
  // more than once (a repeated key also fails the 24-character check once joined).
  const key = values[KEY];
  if (key === undefined) return reject('invalid-key', 'The Sec-WebSocket-Key header is missing');
  if (counts[KEY]! > 1 || !isValidKey(key)) {
    return reject('invalid-key', 'Sec-WebSocket-Key must be 16 bytes in base64');
  }
  let protocols: string[] = [];
  const protocolValue = values[PROTOCOL];
  if (protocolValue !== undefined) {
    const parsed = scanProtocols(protocolValue, limits);
    if (!parsed.ok) return reject('invalid-protocol', parsed.reason);
    protocols = parsed.value;
  }
  let extensions: ExtensionOffer[] = [];
  const extensionValue = values[EXTENSIONS];
  if (extensionValue !== undefined) {
    const parsed = scanExtensions(extensionValue, limits);
    if (!parsed.ok) return reject('invalid-extensions', parsed.reason);
    extensions = parsed.value;
  }
  const origin = values[ORIGIN];
  return {
    ok: true,
    handshake: {
      key,
      protocols,
      extensions,
      origin: origin === undefined ? undefined : trimOws(origin),
      host,
      url: request.url,
    },
  };
}

function hasWhitespace(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (isOws(value.charCodeAt(i))) return true;
  return false;
}
