import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeClose, encodeClose } from '../src/close.js';
import { FrameError } from '../src/errors.js';

const bytes = (...b: number[]) => new Uint8Array(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe('encodeClose', () => {
  it('gives an empty payload without a code (RFC 6455 §5.5.1)', () => {
    expect(encodeClose()).toEqual(new Uint8Array(0));
  });

  it('writes the code in network byte order, then the UTF-8 reason', () => {
    expect(encodeClose(1000)).toEqual(bytes(0x03, 0xe8));
    expect(encodeClose(4999, 'bye')).toEqual(bytes(0x13, 0x87, 0x62, 0x79, 0x65));
    expect(encodeClose(1001, 'é')).toEqual(bytes(0x03, 0xe9, 0xc3, 0xa9));
  });

  it('accepts a reason of exactly 123 UTF-8 bytes', () => {
    expect(encodeClose(1000, 'a'.repeat(123)).length).toBe(125);
    // 41 × 3-byte characters = 123 bytes.
    expect(encodeClose(1000, '€'.repeat(41)).length).toBe(125);
  });

  it.each([
    [1005, ''],
    [1006, ''],
    [1015, ''],
    [1004, ''],
    [999, ''],
    [5000, ''],
    [1000.5, ''],
  ])('throws RangeError for code %s', (code, reason) => {
    expect(() => encodeClose(code, reason)).toThrow(RangeError);
  });

  it('throws RangeError for a reason over 123 bytes or a reason without a code', () => {
    expect(() => encodeClose(1000, 'a'.repeat(124))).toThrow(RangeError);
    expect(() => encodeClose(1000, '€'.repeat(42))).toThrow(RangeError);
    expect(() => encodeClose(undefined, 'why')).toThrow(RangeError);
  });

  it('throws TypeError for a reason that is not a string', () => {
    expect(() => encodeClose(1000, 42 as unknown as string)).toThrow(TypeError);
  });
});

describe('decodeClose', () => {
  it('reads an empty payload as 1005 (RFC 6455 §7.1.5)', () => {
    expect(decodeClose(new Uint8Array(0))).toEqual({ code: 1005, reason: '' });
  });

  it.each([
    ['code only', bytes(0x03, 0xe8), { code: 1000, reason: '' }],
    ['code + reason', bytes(0x03, 0xe9, 0x62, 0x79, 0x65), { code: 1001, reason: 'bye' }],
    ['private code', bytes(0x0f, 0xa0), { code: 4000, reason: '' }],
    [
      'a leading BOM is kept',
      bytes(0x03, 0xe8, 0xef, 0xbb, 0xbf, 0x41),
      { code: 1000, reason: '\ufeffA' },
    ],
    ['4-byte character', bytes(0x03, 0xe8, 0xf0, 0x9f, 0x98, 0x80), { code: 1000, reason: '😀' }],
  ])('%s', (_name, payload, expected) => {
    expect(decodeClose(payload)).toEqual(expected);
  });

  it.each([
    ['1 byte', bytes(0x03), 'invalid-close-payload', 1002],
    ['code 0', bytes(0, 0), 'invalid-close-payload', 1002],
    ['code 999', bytes(0x03, 0xe7), 'invalid-close-payload', 1002],
    ['code 1004', bytes(0x03, 0xec), 'invalid-close-payload', 1002],
    ['code 1005', bytes(0x03, 0xed), 'invalid-close-payload', 1002],
    ['code 1006', bytes(0x03, 0xee), 'invalid-close-payload', 1002],
    ['code 1015', bytes(0x03, 0xf7), 'invalid-close-payload', 1002],
    ['code 1016', bytes(0x03, 0xf8), 'invalid-close-payload', 1002],
    ['code 2999', bytes(0x0b, 0xb7), 'invalid-close-payload', 1002],
    ['code 5000', bytes(0x13, 0x88), 'invalid-close-payload', 1002],
    ['code 65535', bytes(0xff, 0xff), 'invalid-close-payload', 1002],
    ['bad UTF-8 reason', bytes(0x03, 0xe8, 0xff), 'invalid-utf8', 1007],
    ['truncated UTF-8 reason', bytes(0x03, 0xe8, 0xe2, 0x82), 'invalid-utf8', 1007],
    ['surrogate in reason', bytes(0x03, 0xe8, 0xed, 0xa0, 0x80), 'invalid-utf8', 1007],
    ['overlong in reason', bytes(0x03, 0xe8, 0xc0, 0xaf), 'invalid-utf8', 1007],
    [
      'reason over 123 bytes',
      new Uint8Array(126).fill(0x41).fill(0x03, 0, 1).fill(0xe8, 1, 2),
      'control-frame-too-long',
      1002,
    ],
  ])('%s → %s (%s)', (_name, payload, kind, closeCode) => {
    const result = decodeClose(payload);
    expect(result).toBeInstanceOf(FrameError);
    expect((result as FrameError).kind).toBe(kind);
    expect((result as FrameError).closeCode).toBe(closeCode);
    expect((result as FrameError).fatal).toBe(true);
  });

  it('round-trips every valid code with any reason that fits', () => {
    const code = fc.oneof(
      fc.integer({ min: 1000, max: 1003 }),
      fc.integer({ min: 1007, max: 1014 }),
      fc.integer({ min: 3000, max: 4999 }),
    );
    const reason = fc
      .string({ unit: 'grapheme', maxLength: 30 })
      .filter((s) => utf8(s).length <= 123);
    fc.assert(
      fc.property(code, reason, (c, r) => {
        expect(decodeClose(encodeClose(c, r))).toEqual({ code: c, reason: r });
      }),
    );
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (payload) => {
        const result = decodeClose(payload);
        if (result instanceof FrameError) expect(result.fatal).toBe(true);
        else expect(typeof result.code).toBe('number');
      }),
    );
  });
});
