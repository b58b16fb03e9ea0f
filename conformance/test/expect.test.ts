/** The classification rules on synthetic observations: each verdict is reachable. */
import { describe, expect, it } from 'vitest';
import {
  afterUpgrade,
  closeAnswered,
  deflateEchoes,
  echoes,
  fails,
  rejects,
  text,
} from '../src/cases/expect.js';
import type { Seen } from '../src/cases/types.js';
import type { DriverEvent } from '../src/driver/peer.js';

const encode = (s: string) => new TextEncoder().encode(s);

function seen(overrides: Partial<Seen> = {}): Seen {
  const events: DriverEvent[] = overrides.events ? [...overrides.events] : [];
  return {
    mode: 'server',
    messages: [],
    pongs: [],
    pings: [],
    close: undefined,
    violations: [],
    synced: false,
    peerDropped: true,
    tcpClosed: true,
    events,
    closedBefore(mark) {
      const markAt = events.findIndex((e) => e.kind === 'mark' && e.name === mark);
      const closeAt = events.findIndex((e) => e.kind === 'frame' && e.opcode === 8);
      return closeAt >= 0 && (markAt < 0 || closeAt < markAt);
    },
    ...overrides,
  };
}

const close = (code: number | undefined) => ({
  code,
  reason: '',
  payloadLength: code === undefined ? 0 : 2,
  at: 1,
});

describe('fails()', () => {
  const expectation = fails(1002);
  it('OK for the expected code', () => {
    expect(expectation(seen({ close: close(1002) })).verdict).toBe('OK');
  });
  it('NON-STRICT for another code or a bare disconnect', () => {
    expect(expectation(seen({ close: close(1000) })).verdict).toBe('NON-STRICT');
    expect(expectation(seen({ close: undefined, peerDropped: true })).verdict).toBe('NON-STRICT');
  });
  it('FAILED when the input was processed, the connection kept, or TCP left open by a server', () => {
    const echoed = { type: 'text' as const, data: encode('x'), at: 1 };
    expect(expectation(seen({ close: close(1002), messages: [echoed] })).verdict).toBe('FAILED');
    expect(expectation(seen({ close: undefined, peerDropped: false })).verdict).toBe('FAILED');
    expect(expectation(seen({ close: close(1002), peerDropped: false })).verdict).toBe('FAILED');
    expect(
      expectation(seen({ close: close(1002), violations: ['masked frame from a server (§5.1)'] }))
        .verdict,
    ).toBe('FAILED');
  });
  it('fail-fast: NON-STRICT when the Close came after the rest was written', () => {
    const fast = fails(1007, { failFastMark: 'rest' });
    const closeFrame: DriverEvent = {
      kind: 'frame',
      at: 1,
      opcode: 8,
      fin: true,
      rsv: 0,
      masked: false,
      length: 2,
    };
    const mark: DriverEvent = { kind: 'mark', at: 2, name: 'rest' };
    expect(fast(seen({ close: close(1007), events: [closeFrame, mark] })).verdict).toBe('OK');
    expect(fast(seen({ close: close(1007), events: [mark, closeFrame] })).verdict).toBe(
      'NON-STRICT',
    );
  });
});

describe('echoes()', () => {
  const expectation = echoes([text('hi')]);
  const hi = { type: 'text' as const, data: encode('hi'), at: 1 };
  it('OK when the message comes back and the close is clean', () => {
    expect(expectation(seen({ synced: true, messages: [hi], close: close(1000) })).verdict).toBe(
      'OK',
    );
  });
  it('NON-STRICT when a server leaves TCP open after the closing handshake', () => {
    expect(
      expectation(seen({ synced: true, messages: [hi], close: close(1000), peerDropped: false }))
        .verdict,
    ).toBe('NON-STRICT');
  });
  it('FAILED for a wrong echo, a missing one, or no Close answer', () => {
    const other = { type: 'binary' as const, data: encode('hi'), at: 1 };
    expect(expectation(seen({ synced: true, messages: [other], close: close(1000) })).verdict).toBe(
      'FAILED',
    );
    expect(expectation(seen({ synced: true, messages: [], close: close(1000) })).verdict).toBe(
      'FAILED',
    );
    expect(expectation(seen({ synced: true, messages: [hi], close: undefined })).verdict).toBe(
      'FAILED',
    );
    expect(expectation(seen({ synced: false, messages: [hi], close: close(1002) })).verdict).toBe(
      'FAILED',
    );
  });
  it('coalesced pongs are NON-STRICT only when allowed and the last is answered', () => {
    const pong = (s: string) => ({ data: encode(s), at: 1 });
    const allowed = echoes([], { pongs: ['a', 'b', 'c'], coalescedPongsOk: true });
    const base = { synced: true, close: close(1000) };
    expect(allowed(seen({ ...base, pongs: [pong('a'), pong('b'), pong('c')] })).verdict).toBe('OK');
    expect(allowed(seen({ ...base, pongs: [pong('c')] })).verdict).toBe('NON-STRICT');
    expect(allowed(seen({ ...base, pongs: [pong('a')] })).verdict).toBe('FAILED');
  });
});

describe('closeAnswered() and rejects()', () => {
  it('judges the code of the answer', () => {
    expect(closeAnswered([3000, 1000])(seen({ close: close(3000) })).verdict).toBe('OK');
    expect(closeAnswered([3000, 1000])(seen({ close: close(1001) })).verdict).toBe('NON-STRICT');
    expect(closeAnswered([3000, 1000])(seen({ close: undefined })).verdict).toBe('FAILED');
  });
  it('judges a handshake refusal', () => {
    const head = (line: [string, string, string], headers: [string, string][] = []) => ({
      startLine: line,
      headers: new Map(headers.map(([k, v]) => [k, [v]])),
      raw: '',
    });
    const version = rejects({ statuses: [426, 400], versionHeader: true });
    expect(
      version(
        seen({
          response: head(
            ['HTTP/1.1', '426', 'Upgrade Required'],
            [['sec-websocket-version', '13']],
          ),
        }),
      ).verdict,
    ).toBe('OK');
    expect(version(seen({ response: head(['HTTP/1.1', '426', 'Upgrade Required']) })).verdict).toBe(
      'FAILED',
    );
    expect(
      version(seen({ response: head(['HTTP/1.1', '101', 'Switching Protocols']) })).verdict,
    ).toBe('FAILED');
    expect(
      rejects({ statuses: [405] })(seen({ response: head(['HTTP/1.1', '404', 'Not Found']) }))
        .verdict,
    ).toBe('NON-STRICT');
  });
});

describe('permessage-deflate expectations', () => {
  const head = (status: string) => ({
    startLine: ['HTTP/1.1', status, ''] as [string, string, string],
    headers: new Map<string, string[]>(),
    raw: '',
  });
  const agreed = {
    serverNoContextTakeover: false,
    clientNoContextTakeover: false,
    serverMaxWindowBits: 15,
    clientMaxWindowBits: 15,
  };
  const reply = (compressed: boolean) => ({
    type: 'text' as const,
    data: encode('x'),
    at: 1,
    compressed,
  });
  const good = { synced: true, close: close(1000), response: head('101') };

  it('deflateEchoes: OK with the share of compressed replies, NON-STRICT when declined', () => {
    const expectation = deflateEchoes([text('x'), text('x')]);
    const both = expectation(seen({ ...good, agreed, messages: [reply(true), reply(false)] }));
    expect(both).toEqual({ verdict: 'OK', note: '1 of 2 replies compressed' });
    expect(
      expectation(seen({ ...good, agreed: null, messages: [reply(false), reply(false)] })).verdict,
    ).toBe('NON-STRICT');
    expect(expectation(seen({ ...good, agreed, messages: [reply(true)] })).verdict).toBe('FAILED');
  });
  it('afterUpgrade: a 4xx instead of declining is NON-STRICT, a 5xx FAILED', () => {
    const then = () => ({ verdict: 'OK' as const, note: '' });
    expect(afterUpgrade(then)(seen({ response: head('400') })).verdict).toBe('NON-STRICT');
    expect(afterUpgrade(then)(seen({ response: head('500') })).verdict).toBe('FAILED');
    expect(afterUpgrade(then)(seen({ response: head('101') })).verdict).toBe('OK');
  });
  it('fails() with lostRepliesNote: a missing reply is NON-STRICT, a wrong one FAILED', () => {
    const expectation = fails(1007, { before: [text('x')], lostRepliesNote: 'lost' });
    expect(expectation(seen({ close: close(1007), messages: [reply(false)] })).verdict).toBe('OK');
    expect(expectation(seen({ close: close(1007) })).verdict).toBe('NON-STRICT');
    const wrong = { type: 'text' as const, data: encode('y'), at: 1 };
    expect(expectation(seen({ close: close(1007), messages: [wrong] })).verdict).toBe('FAILED');
  });
});
