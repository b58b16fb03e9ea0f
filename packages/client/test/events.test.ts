import { describe, expect, it } from 'vitest';
import { CloseEvent, ErrorEvent } from '../src/events.js';

describe('CloseEvent', () => {
  it('has the WHATWG defaults and takes an init dictionary', () => {
    const empty = new CloseEvent('close');
    expect([empty.type, empty.wasClean, empty.code, empty.reason]).toEqual(['close', false, 0, '']);
    const event = new CloseEvent('close', {
      wasClean: true,
      code: 4000,
      reason: 'why',
      cancelable: true,
    });
    expect([event.wasClean, event.code, event.reason, event.cancelable]).toEqual([
      true,
      4000,
      'why',
      true,
    ]);
    expect(event).toBeInstanceOf(Event);
  });
});

describe('ErrorEvent', () => {
  it('carries a message and the error', () => {
    const cause = new Error('x');
    const event = new ErrorEvent('error', { message: 'failed', error: cause });
    expect([event.type, event.message, event.error]).toEqual(['error', 'failed', cause]);
    expect(new ErrorEvent('error').message).toBe('');
  });
});
