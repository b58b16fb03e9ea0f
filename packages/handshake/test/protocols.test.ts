import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatProtocols,
  negotiateProtocol,
  parseProtocols,
  scanProtocols,
  selectProtocol,
} from '../src/protocols.js';
import type { ScanMeter } from '../src/scan.js';
import { expectLinear, token } from './arbitraries.js';

const unlimited = { maxHeaderValueLength: 1 << 24, maxListItems: 1 << 20 };

describe('parseProtocols', () => {
  it('reads RFC 6455 §1.2 "chat, superchat"', () => {
    expect(parseProtocols('chat, superchat')).toEqual({
      ok: true,
      protocols: ['chat', 'superchat'],
    });
  });

  it('accepts OWS and empty list elements (RFC 7230 §7)', () => {
    expect(parseProtocols(' a ,\tb,, ,c ')).toEqual({ ok: true, protocols: ['a', 'b', 'c'] });
    expect(parseProtocols('v1.json.api')).toEqual({ ok: true, protocols: ['v1.json.api'] });
  });

  it('rejects empty lists, non-tokens, missing commas and duplicates', () => {
    for (const value of [
      '',
      ' ',
      ',',
      'a b',
      'a;b',
      '"a"',
      'a,b c',
      'a/b',
      'é',
      'a,a',
      'chat, chat',
    ]) {
      const result = parseProtocols(value);
      expect(result.ok, value).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/Sec-WebSocket-Protocol/);
    }
  });

  it('enforces the value length and item limits', () => {
    expect(parseProtocols('a'.repeat(4097)).ok).toBe(false);
    expect(parseProtocols('a'.repeat(4096)).ok).toBe(true);
    const many = Array.from({ length: 33 }, (_, i) => `p${i}`).join(',');
    expect(parseProtocols(many).ok).toBe(false);
    expect(parseProtocols(many, { maxListItems: 33 }).ok).toBe(true);
    expect(parseProtocols('a,b', { maxListItems: 1 })).toEqual({
      ok: false,
      reason: 'Sec-WebSocket-Protocol offers more than 1 protocols',
    });
  });

  it('throws RangeError for nonsensical limits (caller misuse)', () => {
    expect(() => parseProtocols('a', { maxListItems: 0 })).toThrow(RangeError);
    expect(() => parseProtocols('a', { maxHeaderValueLength: -1 })).toThrow(RangeError);
  });

  it('round-trips any list of unique tokens through formatProtocols', () => {
    fc.assert(
      fc.property(fc.uniqueArray(token(), { minLength: 1, maxLength: 32 }), (protocols) => {
        expect(parseProtocols(formatProtocols(protocols))).toEqual({ ok: true, protocols });
      }),
    );
  });

  it('does linear work on adversarial input (100k spaces, commas, quotes, long tokens)', () => {
    const cases: ((n: number) => string)[] = [
      (n) => ' '.repeat(n),
      (n) => ','.repeat(n),
      (n) => '"'.repeat(n),
      (n) => `${' ,'.repeat(n)}x y`,
      (n) => 'a'.repeat(n),
      (n) => Array.from({ length: n }, (_, i) => `p${i}`).join(', '),
    ];
    for (const make of cases) {
      expectLinear(
        make,
        (input) => {
          const meter: ScanMeter = { steps: 0 };
          scanProtocols(input, unlimited, meter);
          return meter.steps;
        },
        50_000,
      );
    }
  });
});

describe('formatProtocols', () => {
  it('joins with ", "', () => {
    expect(formatProtocols(['chat', 'superchat'])).toBe('chat, superchat');
    expect(formatProtocols([])).toBe('');
  });

  it('throws TypeError for non-tokens and duplicates', () => {
    expect(() => formatProtocols(['a b'])).toThrow(TypeError);
    expect(() => formatProtocols([''])).toThrow(TypeError);
    expect(() => formatProtocols(['a\r\nX: y'])).toThrow(TypeError);
    expect(() => formatProtocols(['a', 'a'])).toThrow(/twice/);
  });
});

describe('selectProtocol', () => {
  it('returns an offered choice or undefined', () => {
    expect(selectProtocol(['chat', 'superchat'], 'superchat')).toBe('superchat');
    expect(selectProtocol(['chat'], undefined)).toBeUndefined();
    expect(selectProtocol([], undefined)).toBeUndefined();
  });

  it('throws TypeError for a value the client did not offer', () => {
    expect(() => selectProtocol(['chat'], 'superchat')).toThrow(TypeError);
    expect(() => selectProtocol([], 'chat')).toThrow(/not offered/);
  });
});

describe('negotiateProtocol', () => {
  it('picks the first offered protocol the server supports', () => {
    expect(negotiateProtocol(['b', 'a'], ['a', 'b'])).toBe('b');
    expect(negotiateProtocol(['x'], ['a'])).toBeUndefined();
  });
});
