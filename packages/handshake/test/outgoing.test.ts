import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRequestHead } from '../src/head-parser.js';
import { extraHeaderLines, headerLine, latin1Bytes } from '../src/outgoing.js';
import { token } from './arbitraries.js';

const fieldValue = fc.string({
  unit: fc.constantFrom(...'\t abcXYZ019!"#;:=,/\\()<>\x7e\x80\xe9\xff'),
  maxLength: 20,
});

describe('outgoing headers', () => {
  it('writes any token name and clean value so that it parses back (trimmed)', () => {
    fc.assert(
      fc.property(token(), fieldValue, (name, value) => {
        const head = latin1Bytes(`GET / HTTP/1.1\r\n${headerLine(name, value)}\r\n`);
        const parsed = parseRequestHead(head);
        expect(parsed).toMatchObject({
          state: 'complete',
          head: { headers: [[name, value.trim()]] },
        });
      }),
    );
  });

  it('throws TypeError for CR, LF, NUL or another control character anywhere in a value', () => {
    fc.assert(
      fc.property(
        fieldValue,
        fc.constantFrom('\r', '\n', '\0', '\x01', '\x1f', '\x7f', '\r\n'),
        fieldValue,
        (before, bad, after) => {
          expect(() => headerLine('X', before + bad + after)).toThrow(TypeError);
        },
      ),
    );
  });

  it('throws TypeError for names that are not tokens and values that are not strings', () => {
    for (const name of ['', 'a b', 'a:b', 'a\r\n', 'é'])
      expect(() => headerLine(name, 'v')).toThrow(TypeError);
    expect(() => headerLine('X', 1 as unknown as string)).toThrow(TypeError);
    expect(() => extraHeaderLines([['X'] as unknown as [string, string]], [])).toThrow(TypeError);
  });
});
