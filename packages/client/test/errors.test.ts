import { describe, expect, it } from 'vitest';
import { HandshakeError } from '../src/errors.js';

describe('HandshakeError', () => {
  it('carries a stable kind, the response and the cause', () => {
    const cause = new Error('ECONNREFUSED');
    const plain = new HandshakeError('tcp', 'TCP error', { cause });
    expect(plain).toBeInstanceOf(Error);
    expect(plain.name).toBe('HandshakeError');
    expect(plain.kind).toBe('tcp');
    expect(plain.cause).toBe(cause);
    expect(plain.status).toBeUndefined();
    const redirect = new HandshakeError('redirect', 'moved', {
      status: 301,
      headers: [['Location', 'ws://b/']],
      location: 'ws://b/',
    });
    expect([redirect.status, redirect.location, redirect.headers]).toEqual([
      301,
      'ws://b/',
      [['Location', 'ws://b/']],
    ]);
    expect('cause' in new HandshakeError('timeout', 'slow')).toBe(false);
  });
});
