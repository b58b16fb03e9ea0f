import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasControlCharacter } from '../src/url.js';

describe('hasControlCharacter', () => {
  it('finds C0 controls and DEL anywhere', () => {
    expect(hasControlCharacter('ws://example.com/path?q=1')).toBe(false);
    expect(hasControlCharacter('ws://example.com/é€😀')).toBe(false);
    for (const c of ['\r', '\n', '\t', '\u0000', '\u001f', '\u007f']) {
      expect(hasControlCharacter(`ws://a/${c}`)).toBe(true);
      expect(hasControlCharacter(`${c}ws://a/`)).toBe(true);
    }
  });

  it('agrees with a regular expression on any string', () => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the reference checks exactly these
    const reference = /[\u0000-\u001f\u007f]/;
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(hasControlCharacter(text)).toBe(reference.test(text));
      }),
    );
  });
});
