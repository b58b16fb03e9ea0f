import { describe, expect, it } from 'vitest';
import { CloseCode, isValidCloseCode } from '../src/close-code.js';

describe('CloseCode', () => {
  it('has the RFC 6455 §7.4.1 and IANA values', () => {
    expect(CloseCode).toEqual({
      Normal: 1000,
      GoingAway: 1001,
      ProtocolError: 1002,
      UnsupportedData: 1003,
      NoStatus: 1005,
      Abnormal: 1006,
      InvalidPayload: 1007,
      PolicyViolation: 1008,
      MessageTooBig: 1009,
      MandatoryExtension: 1010,
      InternalError: 1011,
      ServiceRestart: 1012,
      TryAgainLater: 1013,
      BadGateway: 1014,
      TlsHandshake: 1015,
    });
  });
});

describe('isValidCloseCode', () => {
  it.each([
    [0, false],
    [999, false],
    [1000, true],
    [1001, true],
    [1002, true],
    [1003, true],
    [1004, false],
    [1005, false],
    [1006, false],
    [1007, true],
    [1008, true],
    [1009, true],
    [1010, true],
    [1011, true],
    [1012, true],
    [1013, true],
    [1014, true],
    [1015, false],
    [1016, false],
    [2000, false],
    [2999, false],
    [3000, true],
    [3999, true],
    [4000, true],
    [4999, true],
    [5000, false],
    [65535, false],
    [-1000, false],
    [1000.5, false],
    [Number.NaN, false],
  ])('%s → %s', (code, valid) => {
    expect(isValidCloseCode(code)).toBe(valid);
  });

  it('agrees with the ranges for every 16-bit code', () => {
    const wrong: number[] = [];
    for (let code = 0; code <= 0xffff; code++) {
      const expected =
        (code >= 1000 && code <= 1003) ||
        (code >= 1007 && code <= 1014) ||
        (code >= 3000 && code <= 4999);
      if (isValidCloseCode(code) !== expected) wrong.push(code);
    }
    expect(wrong).toEqual([]);
  });
});
