import { describe, expect, it } from 'vitest';
import { hasListToken } from '../src/lists.js';

describe('hasListToken', () => {
  it('finds a token among others, case-insensitively, with OWS and empty elements', () => {
    expect(hasListToken('Upgrade', 'upgrade')).toBe(true);
    expect(hasListToken('keep-alive, Upgrade', 'upgrade')).toBe(true);
    expect(hasListToken('keep-alive,UPGRADE ', 'upgrade')).toBe(true);
    expect(hasListToken(' ,\t, upgrade\t,', 'upgrade')).toBe(true);
    expect(hasListToken('websocket', 'websocket')).toBe(true);
  });

  it('does not match substrings or other tokens', () => {
    expect(hasListToken('', 'upgrade')).toBe(false);
    expect(hasListToken('keep-alive', 'upgrade')).toBe(false);
    expect(hasListToken('upgrades', 'upgrade')).toBe(false);
    expect(hasListToken('no-upgrade', 'upgrade')).toBe(false);
    expect(hasListToken('up grade', 'upgrade')).toBe(false);
    expect(hasListToken('websocket/13', 'websocket')).toBe(false);
  });

  it('finishes on 100k commas and spaces', () => {
    expect(hasListToken(`${', '.repeat(100_000)}x`, 'upgrade')).toBe(false);
    expect(hasListToken(`${' '.repeat(100_000)}upgrade`, 'upgrade')).toBe(true);
  });
});
