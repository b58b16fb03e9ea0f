import { type ExtensionOffer, formatExtensions, parseExtensions } from '@ws/handshake';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  acceptOffer,
  buildOffer,
  checkResponse,
  type NegotiationOptions,
  parseOffer,
} from '../src/negotiation.js';

const offers = (header: string): ExtensionOffer[] => {
  const parsed = parseExtensions(header);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.extensions;
};

/** The server's answer to a header, formatted, or `null` when it declines. */
const answer = (header: string, options: NegotiationOptions = {}): string | null => {
  const result = acceptOffer(offers(header), options);
  return result.ok ? formatExtensions([result.response]) : null;
};

describe('server negotiation (RFC 7692 §7.1)', () => {
  it.each<[string, NegotiationOptions, string | null]>([
    // What browsers and libraries send.
    ['permessage-deflate; client_max_window_bits', {}, 'permessage-deflate'], // Chromium, Firefox
    ['permessage-deflate', {}, 'permessage-deflate'], // Safari
    [
      'permessage-deflate; client_max_window_bits=15',
      {},
      'permessage-deflate; client_max_window_bits=15',
    ],
    [
      // python-websockets' default offer
      'permessage-deflate; server_max_window_bits=12; client_max_window_bits=12',
      {},
      'permessage-deflate; server_max_window_bits=12; client_max_window_bits=12',
    ],
    [
      // ws with serverNoContextTakeover
      'permessage-deflate; server_no_context_takeover; client_max_window_bits',
      {},
      'permessage-deflate; server_no_context_takeover',
    ],
    [
      'permessage-deflate; client_no_context_takeover',
      {},
      'permessage-deflate; client_no_context_takeover',
    ],
    // Server options.
    [
      'permessage-deflate; client_max_window_bits',
      { serverNoContextTakeover: true, clientNoContextTakeover: true },
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
    ],
    [
      'permessage-deflate; client_max_window_bits',
      { serverMaxWindowBits: 10, clientMaxWindowBits: 11 },
      'permessage-deflate; server_max_window_bits=10; client_max_window_bits=11',
    ],
    [
      'permessage-deflate; server_max_window_bits=9; client_max_window_bits=12',
      { serverMaxWindowBits: 10, clientMaxWindowBits: 13 },
      'permessage-deflate; server_max_window_bits=9; client_max_window_bits=12',
    ],
    [
      'permessage-deflate; client_max_window_bits=8',
      { clientMaxWindowBits: 13 },
      'permessage-deflate; client_max_window_bits=8',
    ],
    // A required client window the offer cannot honour declines it.
    ['permessage-deflate', { clientMaxWindowBits: 10 }, null],
    // Case-insensitive names; other extensions ignored.
    ['x-webkit-deflate-frame, PerMessage-Deflate', {}, 'permessage-deflate'],
    ['x-foo', {}, null],
  ])('%s with %o → %s', (header, options, expected) => {
    expect(answer(header, options)).toBe(expected);
  });

  it.each([
    'permessage-deflate; server_max_window_bits',
    'permessage-deflate; server_max_window_bits=7',
    'permessage-deflate; server_max_window_bits=16',
    'permessage-deflate; server_max_window_bits=08',
    'permessage-deflate; server_max_window_bits=1e1',
    'permessage-deflate; server_max_window_bits="-9"',
    'permessage-deflate; client_max_window_bits=0',
    'permessage-deflate; client_max_window_bits=99999999999999999999',
    'permessage-deflate; server_no_context_takeover=1',
    'permessage-deflate; client_no_context_takeover="x"',
    'permessage-deflate; client_max_window_bits; client_max_window_bits',
    'permessage-deflate; Server_No_Context_Takeover; server_no_context_takeover',
    'permessage-deflate; unknown_param',
  ])('declines the invalid offer %s with a reason, and takes the next valid one', (header) => {
    const declined = acceptOffer(offers(header));
    expect(declined.ok).toBe(false);
    if (!declined.ok) expect(declined.reasons[0]).toMatch(/^offer 0: /);

    const next = acceptOffer(offers(`${header}, permessage-deflate; client_max_window_bits`));
    expect(next.ok && next.offerIndex).toBe(1);
  });

  it('reports why nothing was accepted', () => {
    expect(acceptOffer([])).toEqual({ ok: false, reasons: ['no permessage-deflate offer'] });
    expect(acceptOffer(offers('permessage-deflate; server_max_window_bits=20'))).toEqual({
      ok: false,
      reasons: ['offer 0: server_max_window_bits must be an integer from 8 to 15, got "20"'],
    });
  });

  it('gives the agreed parameters', () => {
    const result = acceptOffer(
      offers('permessage-deflate; server_max_window_bits=10; client_no_context_takeover'),
    );
    expect(result.ok && result.params).toEqual({
      serverNoContextTakeover: false,
      clientNoContextTakeover: true,
      serverMaxWindowBits: 10,
      clientMaxWindowBits: 15,
    });
  });

  it('throws for bad options (caller misuse), never for offers', () => {
    expect(() => acceptOffer([], { serverMaxWindowBits: 16 })).toThrow(RangeError);
    expect(() => acceptOffer([], { clientMaxWindowBits: 7.5 })).toThrow(RangeError);
    expect(() => acceptOffer([], { serverNoContextTakeover: 'yes' as unknown as boolean })).toThrow(
      TypeError,
    );
  });

  it('never throws on any offer, and every acceptance obeys the offer (property)', () => {
    const paramName = fc.constantFrom(
      'server_no_context_takeover',
      'client_no_context_takeover',
      'server_max_window_bits',
      'client_max_window_bits',
      'x',
    );
    const paramValue = fc.option(
      fc.oneof(fc.integer({ min: -2, max: 20 }).map(String), fc.constantFrom('08', '', 'a')),
      { nil: undefined },
    );
    const offer = fc.record({
      name: fc.constantFrom('permessage-deflate', 'x-other'),
      params: fc.array(fc.record({ name: paramName, value: paramValue }), { maxLength: 5 }),
    });
    const bits = fc.option(fc.integer({ min: 8, max: 15 }), { nil: undefined });
    const options = fc.record({
      serverNoContextTakeover: fc.boolean(),
      clientNoContextTakeover: fc.boolean(),
      serverMaxWindowBits: bits,
      clientMaxWindowBits: bits,
    });
    fc.assert(
      fc.property(fc.array(offer, { maxLength: 4 }), options, (list, opts) => {
        const result = acceptOffer(list, opts);
        if (!result.ok) return;
        const chosen = list[result.offerIndex]!;
        const parsed = parseOffer(chosen);
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        // The client must accept what the server answered to its own offer.
        const offered: NegotiationOptions = {
          serverNoContextTakeover: parsed.params.serverNoContextTakeover,
          clientNoContextTakeover: parsed.params.clientNoContextTakeover,
          serverMaxWindowBits: parsed.params.serverMaxWindowBits,
          clientMaxWindowBits: parsed.params.clientMaxWindowBits ?? false,
        };
        const check = checkResponse([result.response], offered);
        expect(check).toEqual({ ok: true, params: expect.any(Object) });
        if (check.ok && check.params !== null) {
          expect(check.params.serverMaxWindowBits).toBe(result.params.serverMaxWindowBits);
          expect(check.params.serverNoContextTakeover).toBe(result.params.serverNoContextTakeover);
          expect(check.params.clientMaxWindowBits).toBeLessThanOrEqual(
            result.params.clientMaxWindowBits,
          );
        }
      }),
    );
  });
});

describe('client offer (RFC 7692 §7.1)', () => {
  it.each<[NegotiationOptions, string]>([
    [{}, 'permessage-deflate; client_max_window_bits'],
    [{ clientMaxWindowBits: false }, 'permessage-deflate'],
    [{ clientMaxWindowBits: 10 }, 'permessage-deflate; client_max_window_bits=10'],
    [
      { serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 9 },
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits',
    ],
  ])('%o → %s', (options, expected) => {
    expect(formatExtensions([buildOffer(options)])).toBe(expected);
  });

  it('throws for out-of-range options', () => {
    expect(() => buildOffer({ clientMaxWindowBits: 16 })).toThrow(RangeError);
    expect(() => buildOffer({ serverMaxWindowBits: 7 })).toThrow(/from 8 to 15, got 7/);
  });
});

describe('client check of the response (RFC 7692 §7.1)', () => {
  const check = (header: string, options: NegotiationOptions = {}) =>
    checkResponse(header === '' ? [] : offers(header), options);

  it('accepts the usual answers', () => {
    expect(check('')).toEqual({ ok: true, params: null });
    expect(check('x-other')).toEqual({ ok: true, params: null });
    expect(check('permessage-deflate')).toEqual({
      ok: true,
      params: {
        serverNoContextTakeover: false,
        clientNoContextTakeover: false,
        serverMaxWindowBits: 15,
        clientMaxWindowBits: 15,
      },
    });
    expect(
      check(
        'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9',
      ),
    ).toEqual({
      ok: true,
      params: {
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 10,
        clientMaxWindowBits: 9,
      },
    });
    expect(
      check('permessage-deflate; server_max_window_bits=9', { serverMaxWindowBits: 10 }),
    ).toMatchObject({
      ok: true,
    });
  });

  it.each<[string, NegotiationOptions, RegExp]>([
    ['permessage-deflate, permessage-deflate', {}, /more than once/],
    [
      'permessage-deflate; client_max_window_bits',
      {},
      /client_max_window_bits must be an integer from 8 to 15, got no value/,
    ],
    ['permessage-deflate; server_max_window_bits=16', {}, /from 8 to 15, got "16"/],
    ['permessage-deflate; server_max_window_bits=7', {}, /from 8 to 15, got "7"/],
    ['permessage-deflate; client_max_window_bits=100', {}, /from 8 to 15/],
    ['permessage-deflate; server_no_context_takeover=x', {}, /takes no value/],
    ['permessage-deflate; foo', {}, /unknown parameter foo/],
    [
      'permessage-deflate; client_max_window_bits=10',
      { clientMaxWindowBits: false },
      /not offered/,
    ],
    [
      'permessage-deflate; client_max_window_bits=12',
      { clientMaxWindowBits: 10 },
      /more than the 10 offered/,
    ],
    [
      'permessage-deflate',
      { serverMaxWindowBits: 10 },
      /did not accept the offered server_max_window_bits/,
    ],
    [
      'permessage-deflate; server_max_window_bits=11',
      { serverMaxWindowBits: 10 },
      /more than the 10 offered/,
    ],
    ['permessage-deflate', { serverNoContextTakeover: true }, /server_no_context_takeover/],
  ])('%s (offer %o) fails the connection: %s', (header, options, reason) => {
    const result = check(header, options);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
