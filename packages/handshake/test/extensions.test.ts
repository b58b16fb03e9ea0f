import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatExtensions, parseExtensions, scanExtensions } from '../src/extensions.js';
import type { ScanMeter } from '../src/scan.js';
import { expectLinear, extensionOffer } from './arbitraries.js';

const unlimited = { maxHeaderValueLength: 1 << 24, maxListItems: 1 << 20 };

describe('parseExtensions', () => {
  it('reads what Chromium sends', () => {
    expect(parseExtensions('permessage-deflate; client_max_window_bits')).toEqual({
      ok: true,
      extensions: [
        {
          name: 'permessage-deflate',
          params: [{ name: 'client_max_window_bits', value: undefined }],
        },
      ],
    });
  });

  it('reads RFC 6455 §9.1 examples, parameters, quoted values and OWS', () => {
    expect(parseExtensions('foo, bar; baz=2')).toEqual({
      ok: true,
      extensions: [
        { name: 'foo', params: [] },
        { name: 'bar', params: [{ name: 'baz', value: '2' }] },
      ],
    });
    expect(parseExtensions('deflate-stream')).toEqual({
      ok: true,
      extensions: [{ name: 'deflate-stream', params: [] }],
    });
    expect(
      parseExtensions('a ;\tx = "10" ; y="\\1\\5" , ,b;z ,mux; max-channels=4; flow-control'),
    ).toEqual({
      ok: true,
      extensions: [
        {
          name: 'a',
          params: [
            { name: 'x', value: '10' },
            { name: 'y', value: '15' },
          ],
        },
        { name: 'b', params: [{ name: 'z', value: undefined }] },
        {
          name: 'mux',
          params: [
            { name: 'max-channels', value: '4' },
            { name: 'flow-control', value: undefined },
          ],
        },
      ],
    });
  });

  it('rejects malformed values with a message naming the position', () => {
    for (const value of [
      '',
      ' , ',
      ';a',
      'a;',
      'a;;b',
      'a; =1',
      'a; b=',
      'a; b=,',
      'a; b="1',
      'a; b="\\',
      'a; b=""',
      'a; b="x y"',
      'a; b="x,y"',
      'a; b=1 2',
      'a b',
      'a=1',
      'a; b="\x01"',
      'a; b=é',
      'a,b;c=d e',
    ]) {
      const result = parseExtensions(value);
      expect(result.ok, JSON.stringify(value)).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/Sec-WebSocket-Extensions/);
    }
  });

  it('enforces the length limit and the item limits on offers and parameters', () => {
    expect(parseExtensions(`a; b=${'1'.repeat(5000)}`).ok).toBe(false);
    expect(parseExtensions('a, b, c', { maxListItems: 2 }).ok).toBe(false);
    expect(parseExtensions('a; x; y; z', { maxListItems: 2 }).ok).toBe(false);
    expect(parseExtensions('a; x; y, b; z', { maxListItems: 2 }).ok).toBe(true);
  });

  it('round-trips arbitrary offers with parameters through formatExtensions', () => {
    fc.assert(
      fc.property(fc.array(extensionOffer(), { minLength: 1, maxLength: 8 }), (extensions) => {
        expect(parseExtensions(formatExtensions(extensions))).toEqual({ ok: true, extensions });
      }),
    );
  });

  it('reads quoted values as their unquoted tokens', () => {
    fc.assert(
      fc.property(extensionOffer(), (offer) => {
        const quoted = offer.params
          .map((p) => (p.value === undefined ? `;${p.name}` : ` ; ${p.name} = "${p.value}"`))
          .join('');
        expect(parseExtensions(`${offer.name}${quoted}`)).toEqual({
          ok: true,
          extensions: [offer],
        });
      }),
    );
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (value) => {
        const result = parseExtensions(value);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });

  it('does linear work on adversarial input (spaces, commas, quotes, unterminated strings, escapes)', () => {
    const cases: ((n: number) => string)[] = [
      (n) => ' '.repeat(n),
      (n) => ','.repeat(n),
      (n) => '"'.repeat(n),
      (n) => `a; b="${'x'.repeat(n)}`,
      (n) => `a; b="${'\\x'.repeat(n)}"`,
      (n) => `a${'; b'.repeat(n)}`,
      (n) => `a${' ;b= 1 '.repeat(n)}`,
      (n) => 'a, '.repeat(n),
      (n) => `a;${' '.repeat(n)}`,
      (n) => `a; b=${'"'.repeat(n)}`,
    ];
    for (const make of cases) {
      expectLinear(
        make,
        (input) => {
          const meter: ScanMeter = { steps: 0 };
          scanExtensions(input, unlimited, meter);
          return meter.steps;
        },
        50_000,
      );
    }
  });

  it('finishes 100k-character inputs under the default limits at once (length check first)', () => {
    const meter: ScanMeter = { steps: 0 };
    expect(scanExtensions(' '.repeat(100_000), undefined, meter).ok).toBe(false);
    expect(meter.steps).toBe(0);
  });
});

describe('formatExtensions', () => {
  it('formats names and parameters', () => {
    expect(
      formatExtensions([
        {
          name: 'permessage-deflate',
          params: [
            { name: 'client_max_window_bits', value: undefined },
            { name: 'server_max_window_bits', value: '10' },
          ],
        },
        { name: 'x', params: [] },
      ]),
    ).toBe('permessage-deflate; client_max_window_bits; server_max_window_bits=10, x');
    expect(formatExtensions([])).toBe('');
  });

  it('throws TypeError for names or values that are not tokens', () => {
    expect(() => formatExtensions([{ name: 'a b', params: [] }])).toThrow(TypeError);
    expect(() =>
      formatExtensions([{ name: 'a', params: [{ name: 'b\r\n', value: undefined }] }]),
    ).toThrow(TypeError);
    expect(() => formatExtensions([{ name: 'a', params: [{ name: 'b', value: 'x y' }] }])).toThrow(
      TypeError,
    );
    expect(() => formatExtensions([{ name: 'a', params: [{ name: 'b', value: '' }] }])).toThrow(
      TypeError,
    );
  });
});
