import { equalsLowerAt, isToken } from './chars.js';
import { type ExtensionOffer, scanExtensions } from './extensions.js';
import { collectHeaders, type HeaderInput } from './header-input.js';
import { acceptKey } from './key.js';
import { hasListToken } from './lists.js';
import type { ListLimits } from './scan.js';

/** What the client needs of the server's answer: `parseResponseHead` gives it. */
export interface ResponseHead {
  status: number;
  headers: HeaderInput;
}

/** What the client offered, to check the answer against. */
export interface ExpectedHandshake {
  /** The `Sec-WebSocket-Key` the client sent. */
  key: string;
  /** The subprotocols offered (none when absent). */
  protocols?: readonly string[] | undefined;
  /** The names of the extensions offered (none when absent). */
  extensions?: readonly string[] | undefined;
}

/** Why the server's answer is not a valid opening handshake; `kind` is stable, `message` for people. */
export type HandshakeFailure =
  | { kind: 'redirect'; status: number; location: string | undefined; message: string }
  | { kind: 'unexpected-status'; status: number; message: string }
  | {
      kind:
        | 'missing-upgrade'
        | 'missing-connection-upgrade'
        | 'missing-accept'
        | 'invalid-accept'
        | 'invalid-protocol'
        | 'unrequested-protocol'
        | 'invalid-extensions'
        | 'unrequested-extension';
      message: string;
    };

export type ValidateResponseResult =
  | { ok: true; protocol: string | undefined; extensions: ExtensionOffer[] }
  | { ok: false; error: HandshakeFailure };

const UPGRADE = 0;
const CONNECTION = 1;
const ACCEPT = 2;
const PROTOCOL = 3;
const EXTENSIONS = 4;
const LOCATION = 5;
const NAMES = [
  'upgrade',
  'connection',
  'sec-websocket-accept',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'location',
] as const;

function fail(
  kind: Exclude<HandshakeFailure['kind'], 'redirect' | 'unexpected-status'>,
  message: string,
) {
  return { ok: false as const, error: { kind, message } };
}

function sameName(a: string, b: string): boolean {
  return equalsLowerAt(a, 0, a.length, b.toLowerCase());
}

/**
 * Checks the server's answer to the opening handshake (RFC 6455 §4.1, "the client MUST validate the
 * server's response"). Never throws on what the server sent: each failure is a typed value. A 3xx is
 * reported as `redirect` with its Location and is not followed.
 */
export function validateResponse(
  response: ResponseHead,
  expected: ExpectedHandshake,
  limits?: ListLimits,
): ValidateResponseResult {
  if (
    typeof response !== 'object' ||
    response === null ||
    typeof response.headers !== 'object' ||
    response.headers === null
  ) {
    throw new TypeError('response must be { status, headers } with headers a record or an array');
  }
  if (typeof expected?.key !== 'string')
    throw new TypeError('expected.key must be the key the client sent');
  const { status } = response;
  const { values } = collectHeaders(response.headers, NAMES);
  // RFC 6455 §4.1 item 1: "If the status code received from the server is not 101, the client
  // handles the response per HTTP procedures" — a redirect is reported, not followed, here.
  if (status !== 101) {
    if (status >= 300 && status <= 399) {
      const location = values[LOCATION];
      return {
        ok: false,
        error: {
          kind: 'redirect',
          status,
          location,
          message: `the server redirected (${status}) to ${location ?? 'no Location'}`,
        },
      };
    }
    return {
      ok: false,
      error: { kind: 'unexpected-status', status, message: `expected status 101, got ${status}` },
    };
  }
  // RFC 6455 §4.1 items 2 and 3: Upgrade "websocket" and Connection "Upgrade", case-insensitive,
  // else the client MUST _Fail the WebSocket Connection_.
  const upgrade = values[UPGRADE];
  if (upgrade === undefined || !hasListToken(upgrade, 'websocket')) {
    return fail('missing-upgrade', 'the response has no "Upgrade: websocket" header');
  }
  const connection = values[CONNECTION];
  if (connection === undefined || !hasListToken(connection, 'upgrade')) {
    return fail('missing-connection-upgrade', 'the response has no "Connection: Upgrade" header');
  }
  // RFC 6455 §4.1 item 4: Sec-WebSocket-Accept MUST be base64(SHA-1(key + GUID)).
  const accept = values[ACCEPT];
  if (accept === undefined) {
    return fail('missing-accept', 'the response has no Sec-WebSocket-Accept header');
  }
  if (accept !== acceptKey(expected.key)) {
    return fail('invalid-accept', 'Sec-WebSocket-Accept does not match the key that was sent');
  }
  // RFC 6455 §4.1 item 6: a protocol not offered by the client MUST fail the connection; the server
  // answers with at most one value.
  const offeredProtocols = expected.protocols ?? [];
  let protocol = values[PROTOCOL];
  if (protocol !== undefined) {
    if (!isToken(protocol)) {
      return fail(
        'invalid-protocol',
        'Sec-WebSocket-Protocol in the response is not a single token',
      );
    }
    if (!offeredProtocols.includes(protocol)) {
      return fail(
        'unrequested-protocol',
        `the server chose subprotocol "${protocol}", which the client did not offer`,
      );
    }
  } else {
    protocol = undefined;
  }
  // RFC 6455 §4.1 item 5: an extension not requested by the client MUST fail the connection.
  let extensions: ExtensionOffer[] = [];
  const extensionValue = values[EXTENSIONS];
  if (extensionValue !== undefined) {
    const parsed = scanExtensions(extensionValue, limits);
    if (!parsed.ok) return fail('invalid-extensions', parsed.reason);
    const offered = expected.extensions ?? [];
    for (const extension of parsed.value) {
      if (!offered.some((name) => sameName(extension.name, name))) {
        return fail(
          'unrequested-extension',
          `the server accepted extension "${extension.name}", which the client did not offer`,
        );
      }
    }
    extensions = parsed.value;
  }
  return { ok: true, protocol, extensions };
}
