import type { ExtensionOffer, ExtensionParam } from '@ws/handshake';

/** The registered extension token (RFC 7692 §7). */
export const EXTENSION_NAME = 'permessage-deflate';

/** RFC 7692 §7.1.2: window sizes are 2^8 … 2^15 bytes. */
export const MIN_WINDOW_BITS = 8;
export const MAX_WINDOW_BITS = 15;

/**
 * What one side wants from the negotiation. On the client these become the offer; on the server
 * they are the conditions under which an offer is accepted and what the response adds.
 */
export interface NegotiationOptions {
  /** Ask (client) or require (server) that the server resets its compression context per message. */
  serverNoContextTakeover?: boolean | undefined;
  /** Ask (client) or require (server) that the client resets its compression context per message. */
  clientNoContextTakeover?: boolean | undefined;
  /** Cap the server's LZ77 window at 2^n bytes, 8 ≤ n ≤ 15. */
  serverMaxWindowBits?: number | undefined;
  /**
   * Cap the client's LZ77 window at 2^n bytes, 8 ≤ n ≤ 15. On the client, `true` (the default)
   * offers the parameter without a value: "I can honour any cap you send" (what Chromium offers).
   * On the server, a number makes an offer without the parameter unacceptable.
   */
  clientMaxWindowBits?: number | boolean | undefined;
}

/** The agreed parameters (RFC 7692 §7.1 "agreed parameters"), with absent window sizes as 15. */
export interface DeflateParams {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number;
  clientMaxWindowBits: number;
}

/** The client's reading of the server's answer: `params` is null when the server declined. */
export type ClientNegotiation =
  | { ok: true; params: DeflateParams | null }
  | { ok: false; reason: string };

/** One offer's parameters after validation. */
export interface OfferParams {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  /** `undefined` when absent. */
  serverMaxWindowBits: number | undefined;
  /** `undefined` when absent, `true` when present without a value. */
  clientMaxWindowBits: number | true | undefined;
}

export type OfferResult = { ok: true; params: OfferParams } | { ok: false; reason: string };

/** The server's pick: the response element to send and the parameters now in force. */
export type ServerNegotiation =
  | { ok: true; response: ExtensionOffer; params: DeflateParams; offerIndex: number }
  | { ok: false; reasons: string[] };

const PARAM_NAMES = [
  'server_no_context_takeover',
  'client_no_context_takeover',
  'server_max_window_bits',
  'client_max_window_bits',
] as const;
type ParamName = (typeof PARAM_NAMES)[number];

function isParamName(name: string): name is ParamName {
  return (PARAM_NAMES as readonly string[]).includes(name);
}

/**
 * RFC 7692 §7.1.2.1/§7.1.2.2: a window value is `1*DIGIT` "in the range from 8 to 15,
 * inclusive"; leading zeros and signs are not decimal integers in that grammar.
 */
function parseWindowBits(value: string): number | undefined {
  if (value.length === 0 || value.length > 2 || value[0] === '0') return undefined;
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return undefined;
    n = n * 10 + digit;
  }
  return n >= MIN_WINDOW_BITS && n <= MAX_WINDOW_BITS ? n : undefined;
}

/**
 * Validates one `permessage-deflate` element's parameters (offer or response: the grammar is
 * the same, except that `client_max_window_bits` may lack a value only in an offer). Never
 * throws: the element came from the peer.
 */
function readParams(params: readonly ExtensionParam[], isOffer: boolean): OfferResult {
  const seen = new Set<string>();
  const out: OfferParams = {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: undefined,
    clientMaxWindowBits: undefined,
  };
  for (const { name, value } of params) {
    const key = name.toLowerCase();
    // §7.1: an element with "multiple extension parameters with the same name" MUST be declined
    // (server) / MUST fail the connection (client).
    if (seen.has(key)) return { ok: false, reason: `parameter ${name} appears more than once` };
    seen.add(key);
    if (!isParamName(key)) return { ok: false, reason: `unknown parameter ${name}` };
    switch (key) {
      case 'server_no_context_takeover':
      case 'client_no_context_takeover':
        // §7.1.1.1/§7.1.1.2: these parameters have no value.
        if (value !== undefined) {
          return { ok: false, reason: `${name} takes no value, got ${JSON.stringify(value)}` };
        }
        if (key === 'server_no_context_takeover') out.serverNoContextTakeover = true;
        else out.clientNoContextTakeover = true;
        break;
      case 'server_max_window_bits': {
        // §7.1.2.1: this parameter has a value, an integer from 8 to 15.
        const bits = value === undefined ? undefined : parseWindowBits(value);
        if (bits === undefined) {
          return {
            ok: false,
            reason: `${name} must be an integer from 8 to 15, got ${value === undefined ? 'no value' : JSON.stringify(value)}`,
          };
        }
        out.serverMaxWindowBits = bits;
        break;
      }
      case 'client_max_window_bits': {
        // §7.1.2.2: in an offer the value is optional; in a response it is required.
        if (value === undefined && isOffer) {
          out.clientMaxWindowBits = true;
          break;
        }
        const bits = value === undefined ? undefined : parseWindowBits(value);
        if (bits === undefined) {
          return {
            ok: false,
            reason: `${name} must be an integer from 8 to 15, got ${value === undefined ? 'no value' : JSON.stringify(value)}`,
          };
        }
        out.clientMaxWindowBits = bits;
        break;
      }
    }
  }
  return { ok: true, params: out };
}

/** Validates the parameters of one offer element (server side). */
export function parseOffer(offer: ExtensionOffer): OfferResult {
  return readParams(offer.params, true);
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function checkBits(what: string, value: unknown): void {
  if (
    value !== undefined &&
    (typeof value !== 'number' ||
      !Number.isInteger(value) ||
      value < MIN_WINDOW_BITS ||
      value > MAX_WINDOW_BITS)
  ) {
    throw new RangeError(`${what} must be an integer from 8 to 15, got ${String(value)}`);
  }
}

/** Throws TypeError / RangeError (caller misuse) for negotiation options that are not valid. */
export function checkNegotiationOptions(options: NegotiationOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('permessage-deflate options must be an object');
  }
  for (const flag of ['serverNoContextTakeover', 'clientNoContextTakeover'] as const) {
    const value = options[flag];
    if (value !== undefined && typeof value !== 'boolean') {
      throw new TypeError(`${flag} must be a boolean, got ${typeof value}`);
    }
  }
  checkBits('serverMaxWindowBits', options.serverMaxWindowBits);
  if (typeof options.clientMaxWindowBits !== 'boolean') {
    checkBits('clientMaxWindowBits', options.clientMaxWindowBits);
  }
}

/**
 * The server's side of RFC 7692 §7.1: the first `permessage-deflate` offer it can accept, and the
 * response element for it. Offers with invalid parameters are declined (§7.1: the server "MUST
 * decline" them), never thrown on; their reasons come back when nothing was accepted.
 */
export function acceptOffer(
  offers: readonly ExtensionOffer[],
  options: NegotiationOptions = {},
): ServerNegotiation {
  checkNegotiationOptions(options);
  const reasons: string[] = [];
  for (let index = 0; index < offers.length; index++) {
    const offer = offers[index]!;
    if (!sameName(offer.name, EXTENSION_NAME)) continue;
    const parsed = parseOffer(offer);
    if (!parsed.ok) {
      reasons.push(`offer ${index}: ${parsed.reason}`);
      continue;
    }
    const accepted = respond(parsed.params, options);
    if (typeof accepted === 'string') {
      reasons.push(`offer ${index}: ${accepted}`);
      continue;
    }
    return { ok: true, ...accepted, offerIndex: index };
  }
  if (reasons.length === 0) reasons.push('no permessage-deflate offer');
  return { ok: false, reasons };
}

function respond(
  offer: OfferParams,
  options: NegotiationOptions,
): { response: ExtensionOffer; params: DeflateParams } | string {
  const params: ExtensionParam[] = [];
  // §7.1.1.1: accepting an offer with server_no_context_takeover means including it; the server
  // may also include it unasked.
  const serverNoContextTakeover =
    offer.serverNoContextTakeover || options.serverNoContextTakeover === true;
  if (serverNoContextTakeover)
    params.push({ name: 'server_no_context_takeover', value: undefined });
  // §7.1.1.2: the server may include client_no_context_takeover whether or not it was offered.
  const clientNoContextTakeover =
    offer.clientNoContextTakeover || options.clientNoContextTakeover === true;
  if (clientNoContextTakeover)
    params.push({ name: 'client_no_context_takeover', value: undefined });

  // §7.1.2.1: the response's server_max_window_bits must be ≤ the offered one; the server may
  // also add it unasked to limit its own window.
  let serverBits = options.serverMaxWindowBits;
  if (offer.serverMaxWindowBits !== undefined) {
    serverBits = Math.min(serverBits ?? MAX_WINDOW_BITS, offer.serverMaxWindowBits);
  }
  if (serverBits !== undefined) {
    params.push({ name: 'server_max_window_bits', value: String(serverBits) });
  }

  // §7.1.2.2: "If a received extension negotiation offer doesn't have the client_max_window_bits
  // extension parameter, the corresponding extension negotiation response to the offer MUST NOT
  // include the client_max_window_bits extension parameter."
  let clientBits: number | undefined;
  const wanted =
    typeof options.clientMaxWindowBits === 'number' ? options.clientMaxWindowBits : undefined;
  if (offer.clientMaxWindowBits === undefined) {
    if (wanted !== undefined) {
      return `client_max_window_bits=${wanted} is required and the offer cannot honour it`;
    }
  } else {
    const offered = offer.clientMaxWindowBits === true ? undefined : offer.clientMaxWindowBits;
    if (wanted !== undefined) clientBits = Math.min(wanted, offered ?? MAX_WINDOW_BITS);
    else clientBits = offered;
  }
  if (clientBits !== undefined) {
    params.push({ name: 'client_max_window_bits', value: String(clientBits) });
  }
  return {
    response: { name: EXTENSION_NAME, params },
    params: {
      serverNoContextTakeover,
      clientNoContextTakeover,
      serverMaxWindowBits: serverBits ?? MAX_WINDOW_BITS,
      clientMaxWindowBits: clientBits ?? MAX_WINDOW_BITS,
    },
  };
}

/**
 * The client's offer element (RFC 7692 §7.1). The default is what Chromium sends:
 * `permessage-deflate; client_max_window_bits`.
 */
export function buildOffer(options: NegotiationOptions = {}): ExtensionOffer {
  checkNegotiationOptions(options);
  const params: ExtensionParam[] = [];
  if (options.serverNoContextTakeover === true) {
    params.push({ name: 'server_no_context_takeover', value: undefined });
  }
  if (options.clientNoContextTakeover === true) {
    params.push({ name: 'client_no_context_takeover', value: undefined });
  }
  if (options.serverMaxWindowBits !== undefined) {
    params.push({ name: 'server_max_window_bits', value: String(options.serverMaxWindowBits) });
  }
  const client = options.clientMaxWindowBits ?? true;
  if (client !== false) {
    params.push({
      name: 'client_max_window_bits',
      value: client === true ? undefined : String(client),
    });
  }
  return { name: EXTENSION_NAME, params };
}

/**
 * The client's check of the server's answer (RFC 7692 §7.1): `accepted` is every element of the
 * response's Sec-WebSocket-Extensions. Returns `null` params when the server declined, or a
 * failure (the client "MUST _Fail the WebSocket Connection_") for anything invalid.
 */
export function checkResponse(
  accepted: readonly ExtensionOffer[],
  options: NegotiationOptions = {},
): ClientNegotiation {
  checkNegotiationOptions(options);
  const mine = accepted.filter((element) => sameName(element.name, EXTENSION_NAME));
  if (mine.length === 0) return { ok: true, params: null };
  // §7: a response "MUST NOT" accept more than one permessage-deflate offer.
  if (mine.length > 1) {
    return { ok: false, reason: 'the server accepted permessage-deflate more than once' };
  }
  const parsed = readParams(mine[0]!.params, false);
  if (!parsed.ok)
    return { ok: false, reason: `invalid permessage-deflate response: ${parsed.reason}` };
  const answer = parsed.params;
  // §7.1.1.1: the server accepts an offered server_no_context_takeover by including it.
  if (options.serverNoContextTakeover === true && !answer.serverNoContextTakeover) {
    return {
      ok: false,
      reason: 'the server did not accept the offered server_no_context_takeover',
    };
  }
  // §7.1.2.1: "If a received extension negotiation response doesn't have the
  // server_max_window_bits ... while the offer had it, or has a larger value, the client MUST
  // _Fail the WebSocket Connection_."
  if (options.serverMaxWindowBits !== undefined) {
    if (answer.serverMaxWindowBits === undefined) {
      return { ok: false, reason: 'the server did not accept the offered server_max_window_bits' };
    }
    if (answer.serverMaxWindowBits > options.serverMaxWindowBits) {
      return {
        ok: false,
        reason: `server_max_window_bits=${answer.serverMaxWindowBits} is more than the ${options.serverMaxWindowBits} offered`,
      };
    }
  }
  // §7.1.2.2: "If a received extension negotiation response has the client_max_window_bits
  // extension parameter but the offer did not have it, the client MUST _Fail_".
  const offeredClient = options.clientMaxWindowBits ?? true;
  const answerClient = answer.clientMaxWindowBits as number | undefined;
  if (answerClient !== undefined) {
    if (offeredClient === false) {
      return { ok: false, reason: 'the server sent client_max_window_bits, which was not offered' };
    }
    if (typeof offeredClient === 'number' && answerClient > offeredClient) {
      return {
        ok: false,
        reason: `client_max_window_bits=${answerClient} is more than the ${offeredClient} offered`,
      };
    }
  }
  const ownBits = typeof offeredClient === 'number' ? offeredClient : MAX_WINDOW_BITS;
  return {
    ok: true,
    params: {
      serverNoContextTakeover: answer.serverNoContextTakeover,
      // The client may always reset its own context; it must when the server says so.
      clientNoContextTakeover:
        answer.clientNoContextTakeover || options.clientNoContextTakeover === true,
      serverMaxWindowBits: answer.serverMaxWindowBits ?? MAX_WINDOW_BITS,
      clientMaxWindowBits: Math.min(answerClient ?? MAX_WINDOW_BITS, ownBits),
    },
  };
}
