import { describe, expect, it } from 'vitest';
import { reasonPhrase } from '../src/status.js';

describe('reasonPhrase', () => {
  it('gives the registered phrase, or "" for an unregistered code', () => {
    expect(reasonPhrase(101)).toBe('Switching Protocols');
    expect(reasonPhrase(400)).toBe('Bad Request');
    expect(reasonPhrase(426)).toBe('Upgrade Required');
    expect(reasonPhrase(431)).toBe('Request Header Fields Too Large');
    expect(reasonPhrase(505)).toBe('HTTP Version Not Supported');
    expect(reasonPhrase(499)).toBe('');
  });
});
