import { deflateRawSync } from 'node:zlib';
import { type ExtensionOffer, formatExtensions, parseExtensions } from '@ws/handshake';
import type { Extension } from '@ws/protocol';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  clientOffer,
  type DeflateOptions,
  negotiateClient,
  negotiateServer,
} from '../src/extension.js';
import { Limiter } from '../src/limiter.js';
import { buildOffer, checkResponse, type DeflateParams } from '../src/negotiation.js';
import { deflateMessage } from '../src/web-deflate.js';
import {
  negotiateWebClient,
  negotiateWebServer,
  WebPerMessageDeflate,
  webClientOffer,
  webDeflateSupported,
} from '../src/web-extension.js';
import {
  exchange,
  hex,
  type Peer,
  parseFrames,
  peer,
  rawClientFrame,
  serverFrame,
  until,
} from './helpers.js';
import { utf8 } from './web-helpers.js';

afterEach(() => {
  vi.unstubAllGlobals();
});

const NO_TAKEOVER: DeflateParams = {
  serverNoContextTakeover: true,
  clientNoContextTakeover: true,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

function elements(header: string): ExtensionOffer[] {
  const parsed = parseExtensions(header);
  if (!parsed.ok) throw new Error(`bad test header ${header}`);
  return parsed.extensions;
}

const json = (n: number): string =>
  JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: i, name: `item ${i}`, ok: true })));

describe('negotiateWebServer: accepts offers, always without context takeover both ways', () => {
  const BOTH = 'permessage-deflate; server_no_context_takeover; client_no_context_takeover';
  it.each<[string, string, string | null]>([
    ['Chromium / Firefox', 'permessage-deflate; client_max_window_bits', BOTH],
    ['Safari', 'permessage-deflate', BOTH],
    ['already both', BOTH, BOTH],
    [
      'a server window cap is echoed (§7.1.2.1), honoured by length',
      'permessage-deflate; server_max_window_bits=10',
      `${BOTH}; server_max_window_bits=10`,
    ],
    [
      'a client window hint is echoed (§7.1.2.2 MAY)',
      'permessage-deflate; client_max_window_bits=9',
      `${BOTH}; client_max_window_bits=9`,
    ],
    [
      'an invalid offer is declined and the next taken (§7.1)',
      'permessage-deflate; server_max_window_bits=16, permessage-deflate',
      BOTH,
    ],
    ['an unknown parameter is declined', 'permessage-deflate; foo', null],
    ['another extension only', 'x-webkit-deflate-frame', null],
  ])('%s: %s', (_, offer, response) => {
    const result = negotiateWebServer(elements(offer));
    expect(result?.header ?? null).toBe(response);
    if (result !== null) {
      expect(formatExtensions([result.response])).toBe(response);
      expect(result.extension).toBeInstanceOf(WebPerMessageDeflate);
      expect(result.extension.role).toBe('server');
    }
  });

  it("every answer passes the offering client's RFC 7692 checks (property, node path as the checker)", () => {
    const bits = fc.option(fc.integer({ min: 8, max: 15 }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.record({
          serverNoContextTakeover: fc.boolean(),
          clientNoContextTakeover: fc.boolean(),
          serverMaxWindowBits: bits,
          clientMaxWindowBits: fc.oneof(fc.boolean(), fc.integer({ min: 8, max: 15 })),
        }),
        (options) => {
          const answer = negotiateWebServer([buildOffer(options)]);
          expect(answer).not.toBeNull();
          const checked = checkResponse([answer!.response], options);
          expect(checked).toMatchObject({
            ok: true,
            params: { serverNoContextTakeover: true, clientNoContextTakeover: true },
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('webClientOffer / negotiateWebClient', () => {
  it('offers both no-context-takeover parameters and a bare client_max_window_bits', () => {
    expect(formatExtensions([webClientOffer()!])).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits',
    );
  });

  it.each<[string, string, 'both' | 'receive-only' | 'declined' | 'fail', Partial<DeflateParams>?]>(
    [
      [
        'both confirmed',
        'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
        'both',
      ],
      [
        'client_no_context_takeover left out: we still reset, but send uncompressed',
        'permessage-deflate; server_no_context_takeover',
        'receive-only',
      ],
      [
        'a client window cap',
        'permessage-deflate; server_no_context_takeover; client_no_context_takeover; client_max_window_bits=10',
        'both',
        { clientMaxWindowBits: 10 },
      ],
      [
        'a smaller server window (its choice, §7.1.2.1)',
        'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9',
        'both',
        { serverMaxWindowBits: 9 },
      ],
      ['declined (no element)', '', 'declined'],
      [
        'server context takeover kept: we cannot follow it (§7.1 fail)',
        'permessage-deflate',
        'fail',
      ],
      [
        'server context takeover kept, client reset',
        'permessage-deflate; client_no_context_takeover',
        'fail',
      ],
      ['invalid parameter', 'permessage-deflate; server_no_context_takeover; foo=1', 'fail'],
      [
        'accepted twice',
        'permessage-deflate; server_no_context_takeover, permessage-deflate; server_no_context_takeover',
        'fail',
      ],
    ],
  )('%s', (_, header, outcome, params) => {
    const result = negotiateWebClient(header === '' ? [] : elements(header));
    if (outcome === 'fail') {
      expect(result.ok).toBe(false);
      return;
    }
    if (!result.ok) throw new Error(result.reason);
    if (outcome === 'declined') {
      expect(result.extension).toBeNull();
      return;
    }
    expect(result.extension?.params).toMatchObject({
      serverNoContextTakeover: true,
      clientNoContextTakeover: outcome === 'both',
      ...params,
    });
  });

  it('fails with a reason naming what the server left out', () => {
    expect(negotiateWebClient(elements('permessage-deflate'))).toEqual({
      ok: false,
      reason: 'the server did not accept the offered server_no_context_takeover',
    });
  });

  it('every web server answer to the web client offer is accepted with both resets', () => {
    const answer = negotiateWebServer([webClientOffer()!])!;
    const client = negotiateWebClient([answer.response]);
    expect(client).toMatchObject({ ok: true, extension: { params: NO_TAKEOVER } });
  });
});

describe('WebPerMessageDeflate: caller misuse throws', () => {
  it("refuses parameters that keep the peer's context (it cannot follow them)", () => {
    expect(
      () => new WebPerMessageDeflate('server', { ...NO_TAKEOVER, clientNoContextTakeover: false }),
    ).toThrow(RangeError);
    expect(
      () => new WebPerMessageDeflate('client', { ...NO_TAKEOVER, serverNoContextTakeover: false }),
    ).toThrow(/server_no_context_takeover/);
    // Our own direction may keep context in the agreement: we just never use it.
    expect(
      new WebPerMessageDeflate('server', { ...NO_TAKEOVER, serverNoContextTakeover: false }).role,
    ).toBe('server');
  });

  it('checks role and options', () => {
    // @ts-expect-error a bad role on purpose
    expect(() => new WebPerMessageDeflate('peer', NO_TAKEOVER)).toThrow(TypeError);
    expect(() => new WebPerMessageDeflate('server', NO_TAKEOVER, { threshold: -1 })).toThrow(
      RangeError,
    );
    // @ts-expect-error a bad limiter on purpose
    expect(() => negotiateWebServer([], { limiter: {} })).toThrow(TypeError);
  });
});

describe('without CompressionStream', () => {
  it('offers nothing and accepts nothing', async () => {
    vi.resetModules();
    vi.stubGlobal('CompressionStream', undefined);
    const fresh = await import('../src/web-extension.js');
    expect(fresh.webDeflateSupported()).toBe(false);
    expect(fresh.webClientOffer()).toBeNull();
    expect(fresh.negotiateWebServer(elements('permessage-deflate'))).toBeNull();
    expect(webDeflateSupported()).toBe(true);
  });
});

type Setup = { server: Extension; client: Extension };

function ok<T>(value: { ok: true; extension: T | null } | { ok: false; reason: string }): T {
  if (!value.ok) throw new Error(value.reason);
  if (value.extension === null) throw new Error('declined');
  return value.extension;
}

/** Each setup runs the real negotiation: the client's offer, the server's answer, the client's check. */
const SETUPS: Record<string, (threshold?: number) => Setup> = {
  'web client ↔ web server': (threshold) => {
    const answer = negotiateWebServer([webClientOffer()!], { threshold })!;
    return {
      server: answer.extension,
      client: ok(negotiateWebClient([answer.response], { threshold })),
    };
  },
  'web client ↔ node:zlib server': (threshold) => {
    const answer = negotiateServer([webClientOffer()!], { threshold })!;
    expect(answer.header).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
    );
    return {
      server: answer.extension,
      client: ok(negotiateWebClient([answer.response], { threshold })),
    };
  },
  'node:zlib client (default offer) ↔ web server': (threshold) => {
    const answer = negotiateWebServer([clientOffer(true)!], { threshold })!;
    return {
      server: answer.extension,
      client: ok(negotiateClient([answer.response], { threshold })),
    };
  },
};

function connect(
  { server, client }: Setup,
  maxMessageSize?: number,
): { server: Peer; client: Peer } {
  return {
    server: peer('server', [server], maxMessageSize),
    client: peer('client', [client], maxMessageSize),
  };
}

describe.each(Object.keys(SETUPS))('%s over two Protocols', (name) => {
  const setup = SETUPS[name]!;

  it('compresses large messages both ways (RSV1 on the wire), small ones go as they are', async () => {
    const { server, client } = connect(setup());
    const big = json(100);
    const binary = new Uint8Array(3000).fill(7);
    client.protocol.sendText(big);
    client.protocol.sendText('small');
    client.protocol.sendBinary(binary);
    server.protocol.sendText(big);
    server.protocol.sendText('small');
    const { aToB, bToA } = await exchange(
      client.protocol,
      server.protocol,
      () => server.events.length >= 3 && client.events.length >= 2,
    );
    expect(server.events).toEqual([
      { type: 'text', data: big },
      { type: 'text', data: 'small' },
      { type: 'binary', data: binary },
    ]);
    expect(client.events).toEqual([
      { type: 'text', data: big },
      { type: 'text', data: 'small' },
    ]);
    const up = parseFrames(aToB);
    const down = parseFrames(bToA);
    expect(up.map((frame) => frame.rsv1)).toEqual([true, false, true]);
    expect(down.map((frame) => frame.rsv1)).toEqual([true, false]);
    expect(up[0]!.payload.length).toBeLessThan(big.length / 4);
    expect(down[0]!.payload.length).toBeLessThan(big.length / 4);
  });

  it('no context takeover: a repeated message costs its full size every time, in order', async () => {
    const { server, client } = connect(setup(0));
    const sent = Array.from({ length: 12 }, (_, i) => (i % 4 === 3 ? '' : json(20 + (i % 2))));
    for (const message of sent) server.protocol.sendText(message, { fragmentSize: 97 });
    const { aToB } = await exchange(
      server.protocol,
      client.protocol,
      () => client.events.length >= sent.length,
    );
    expect(client.events.map((event) => event.type === 'text' && event.data)).toEqual(sent);
    const frames = parseFrames(aToB);
    expect(frames.filter((frame) => frame.opcode !== 0).every((frame) => frame.rsv1)).toBe(true);
    // Compressed size of each message on the wire: equal messages cost the same every time.
    const wire: number[] = [];
    for (const frame of frames) {
      if (frame.opcode !== 0) wire.push(0);
      wire[wire.length - 1]! += frame.payload.length;
    }
    const bySent = new Map<string, Set<number>>();
    for (const [i, message] of sent.entries()) {
      bySent.set(message, (bySent.get(message) ?? new Set()).add(wire[i]!));
    }
    expect([...bySent.values()].map((sizes) => sizes.size)).toEqual([1, 1, 1]);
  });

  it('round trips random messages both ways (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.string({ maxLength: 3000 }), fc.uint8Array({ maxLength: 3000 })), {
          minLength: 1,
          maxLength: 6,
        }),
        async (messages) => {
          const { server, client } = connect(setup(0));
          for (const message of messages) {
            if (typeof message === 'string') client.protocol.sendText(message);
            else client.protocol.sendBinary(message);
          }
          await exchange(
            client.protocol,
            server.protocol,
            () => server.events.length >= messages.length,
          );
          expect(
            server.events.map((event) =>
              event.type === 'text' ? event.data : event.type === 'binary' ? event.data : event,
            ),
          ).toEqual(messages);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('WebPerMessageDeflate: windows, one-way compression, limits', () => {
  it('node:zlib client with small windows: our messages up to 2^n bytes are compressed, longer ones not', async () => {
    const nodeOptions: DeflateOptions = {
      serverMaxWindowBits: 10,
      clientMaxWindowBits: 9,
      threshold: 0,
    };
    const answer = negotiateWebServer([clientOffer(nodeOptions)!], { threshold: 0 })!;
    expect(answer.header).toBe(
      'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9',
    );
    const { server, client } = connect({
      server: answer.extension,
      client: ok(negotiateClient([answer.response], nodeOptions)),
    });
    // Sizes around 2^10: the node:zlib client inflates with a 2^10 window.
    const sent = [1000, 1024, 1025, 5000].map(
      (n) => 'ab'.repeat(n).slice(0, n - 8) + `${n}`.padStart(8, '-'),
    );
    for (const message of sent) server.protocol.sendText(message);
    for (const message of sent) client.protocol.sendText(message);
    const { aToB } = await exchange(
      server.protocol,
      client.protocol,
      () => client.events.length >= 4 && server.events.length >= 4,
    );
    expect(client.events.map((event) => event.type === 'text' && event.data)).toEqual(sent);
    expect(server.events.map((event) => event.type === 'text' && event.data)).toEqual(sent);
    expect(parseFrames(aToB).map((frame) => frame.rsv1)).toEqual([true, true, false, false]);
  });

  it('a server that leaves out client_no_context_takeover gets our messages uncompressed', async () => {
    const response = elements('permessage-deflate; server_no_context_takeover')[0]!;
    const extension = ok(negotiateWebClient([response], { threshold: 0 }));
    const big = json(50);
    expect(extension.encode({ opcode: 1, payload: utf8(big), rsv: 0 })).toEqual({
      opcode: 1,
      payload: utf8(big),
      rsv: 0,
    });
  });

  it('a 2 MiB bomb against a 1 MiB limit fails with 1009', async () => {
    const bomb = deflateRawSync(new Uint8Array(2 * 1024 * 1024));
    const server = peer('server', [new WebPerMessageDeflate('server', NO_TAKEOVER)], 1024 * 1024);
    server.protocol.receive(rawClientFrame(0xc2, bomb));
    await until(() => server.events.some((event) => event.type === 'error'));
    expect(server.events.find((event) => event.type === 'error')).toMatchObject({
      error: { kind: 'message-too-large', closeCode: 1009 },
    });
  });

  it('corrupt compressed data fails with 1007', async () => {
    const server = peer('server', [new WebPerMessageDeflate('server', NO_TAKEOVER)]);
    server.protocol.receive(rawClientFrame(0xc1, hex('ff ff ff ff')));
    await until(() => server.events.some((event) => event.type === 'error'));
    expect(server.events.find((event) => event.type === 'error')).toMatchObject({
      error: { kind: 'extension-failed', closeCode: 1007 },
    });
  });

  it('a compressed message cut into two frames at every split point, in every ending', async () => {
    const payloads = [
      hex('f2 48 cd c9 c9 07 00'),
      hex('f3 48 cd c9 c9 07 00 00'),
      await deflateMessage(utf8('Hello Hello Hello')),
    ];
    const expected = ['Hello', 'Hello', 'Hello Hello Hello'];
    for (const [index, payload] of payloads.entries()) {
      for (let split = 0; split <= payload.length; split++) {
        const client = peer('client', [new WebPerMessageDeflate('client', NO_TAKEOVER)]);
        // First frame: RSV1 + text, not FIN; then a FIN continuation.
        client.protocol.receive(serverFrame(0x41, payload.subarray(0, split)));
        client.protocol.receive(serverFrame(0x80, payload.subarray(split)));
        await until(() => client.events.length >= 1);
        expect(client.events).toEqual([{ type: 'text', data: expected[index] }]);
      }
    }
  });

  it('runs its work through the given limiter', async () => {
    const limiter = new Limiter(1);
    const extension = new WebPerMessageDeflate('client', NO_TAKEOVER, { limiter, threshold: 0 });
    const run = vi.spyOn(limiter, 'run');
    const inflated = extension.decode(
      { opcode: 1, payload: hex('f2 48 cd c9 c9 07 00'), rsv: 0x4 },
      { maxMessageSize: 100 },
    );
    const jobs = [1, 2, 3].map(() =>
      extension.encode({ opcode: 1, payload: utf8(json(5)), rsv: 0 }),
    );
    await Promise.all([...jobs, inflated]);
    expect(run).toHaveBeenCalledTimes(4);
    expect(limiter.active).toBe(0);
  });
});
