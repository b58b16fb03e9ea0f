import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isFieldValue, isToken, trimOws } from '../src/chars.js';

describe('character classes (RFC 7230 §3.2.6)', () => {
  it('isToken agrees with the tchar grammar', () => {
    const reference = (s: string) => /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(s);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 8 }), (s) => {
        expect(isToken(s)).toBe(reference(s));
      }),
    );
    expect(isToken('')).toBe(false);
  });

  it('isFieldValue allows HTAB, SP, VCHAR and obs-text only', () => {
    const reference = (s: string) => /^[\t\x20-\x7e\x80-\xff]*$/.test(s);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 8 }), (s) => {
        expect(isFieldValue(s)).toBe(reference(s));
      }),
    );
  });

  it('trimOws strips SP and HTAB only', () => {
    expect(trimOws(' \t a b \t ')).toBe('a b');
    expect(trimOws('\r\na\n')).toBe('\r\na\n');
    expect(trimOws('   ')).toBe('');
  });
});
