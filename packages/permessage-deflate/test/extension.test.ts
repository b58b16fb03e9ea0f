import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clientOffer,
  DEFAULT_THRESHOLD,
  type DeflateOptions,
  negotiateClient,
  negotiateServer,
  PerMessageDeflate,
} from '../src/extension.js';
import { acceptOffer, buildOffer, type DeflateParams } from '../src/negotiation.js';
import { exchange, hex, parseFrames, peer, rawClientFrame, serverFrame, until } from './helpers.js';

const DEFAULTS: DeflateParams = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

function connected(
  params: DeflateParams = DEFAULTS,
  options: DeflateOptions = {},
  maxMessageSize?: number,
) {
  const server = peer('server', [new PerMessageDeflate('server', params, options)], maxMessageSize);
  const client = peer('client', [new PerMessageDeflate('client', params, options)], maxMessageSize);
  return { server, client };
}

const json = (n: number): string =>
  JSON.stringify(
    Array.from({ length: n }, (_, i) => ({ id: i, name: `item ${i}`, tags: ['a', 'b'] })),
  );

describe('PerMessageDeflate over two Protocols', () => {
  it('compresses large messages (RSV1 on the wire) and sends small ones as they are', async () => {
    const { server, client } = connected();
    const big = json(100);
    client.protocol.sendText(big);
    client.protocol.sendText('small');
    client.protocol.sendBinary(new Uint8Array(3000).fill(7));
    const { aToB } = await exchange(
      client.protocol,
      server.protocol,
      () => server.events.length >= 3,
    );
    expect(server.events).toEqual([
      { type: 'text', data: big },
      { type: 'text', data: 'small' },
      { type: 'binary', data: new Uint8Array(3000).fill(7) },
    ]);
    const wire = parseFrames(aToB);
    expect(wire.map((frame) => frame.rsv1)).toEqual([true, false, true]);
    expect(wire[0]!.payload.length).toBeLessThan(big.length / 4);
  });

  it('compresses from the server too, and keeps order with uncompressed messages in between', async () => {
    const { server, client } = connected();
    const sent: string[] = [];
    for (let i = 0; i < 20; i++) {
      const message = i % 3 === 0 ? `short ${i}` : json(30 + i);
      sent.push(message);
      server.protocol.sendText(message);
    }
    await exchange(server.protocol, client.protocol, () => client.events.length >= 20);
    expect(client.events.map((event) => event.type === 'text' && event.data)).toEqual(sent);
  });

  it('fragmented compressed messages: RSV1 on the first frame only', async () => {
    const { server, client } = connected();
    const big = json(200);
    server.protocol.sendText(big, { fragmentSize: 100 });
    const { aToB } = await exchange(
      server.protocol,
      client.protocol,
      () => client.events.length >= 1,
    );
    expect(client.events).toEqual([{ type: 'text', data: big }]);
    const wire = parseFrames(aToB);
    expect(wire.length).toBeGreaterThan(3);
    expect(wire.map((frame) => frame.rsv1)).toEqual(wire.map((_, i) => i === 0));
  });

  it('context takeover on: a repeated message costs a few bytes; off: the full size each time', async () => {
    const message = json(60);
    const sizes = async (params: DeflateParams): Promise<number[]> => {
      const { server, client } = connected(params);
      server.protocol.sendText(message);
      server.protocol.sendText(message);
      const { aToB } = await exchange(
        server.protocol,
        client.protocol,
        () => client.events.length >= 2,
      );
      expect(client.events).toEqual([
        { type: 'text', data: message },
        { type: 'text', data: message },
      ]);
      const wire = parseFrames(aToB);
      return wire.map((frame) => frame.payload.length);
    };
    const on = await sizes(DEFAULTS);
    expect(on[1]).toBeLessThan(on[0]! / 4);
    const off = await sizes({ ...DEFAULTS, serverNoContextTakeover: true });
    expect(off[1]).toBe(off[0]);
    expect(off[0]).toBe(on[0]);
  });

  it('a window of 8 bits on our side sends uncompressed (node:zlib cannot), and still receives', async () => {
    const params = { ...DEFAULTS, serverMaxWindowBits: 8 };
    const { server, client } = connected(params);
    const big = json(50);
    server.protocol.sendText(big);
    client.protocol.sendText(big);
    const { aToB, bToA } = await exchange(
      server.protocol,
      client.protocol,
      () => client.events.length >= 1 && server.events.length >= 1,
    );
    expect(client.events).toEqual([{ type: 'text', data: big }]);
    expect(server.events).toEqual([{ type: 'text', data: big }]);
    const fromServer = parseFrames(aToB);
    const fromClient = parseFrames(bToA);
    expect(fromServer[0]!.rsv1).toBe(false);
    expect(fromClient[0]!.rsv1).toBe(true);
  });

  it('round-trips any messages under any agreed parameters (property)', async () => {
    const bits = fc.integer({ min: 8, max: 15 });
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          serverNoContextTakeover: fc.boolean(),
          clientNoContextTakeover: fc.boolean(),
          serverMaxWindowBits: bits,
          clientMaxWindowBits: bits,
        }),
        fc.integer({ min: 0, max: 2000 }),
        fc.array(
          fc.oneof(
            fc.string({ maxLength: 300 }).map((s) => s.repeat(8)),
            fc.uint8Array({ maxLength: 3000 }),
          ),
          {
            minLength: 1,
            maxLength: 5,
          },
        ),
        fc.integer({ min: 1, max: 5000 }),
        async (params, threshold, messages, fragmentSize) => {
          const { server, client } = connected(params, { threshold });
          for (const message of messages) {
            if (typeof message === 'string') client.protocol.sendText(message, { fragmentSize });
            else client.protocol.sendBinary(message, { fragmentSize });
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
      { numRuns: 40 },
    );
  });
});

describe('PerMessageDeflate receiving RFC 7692 §7.2.3 frames', () => {
  const receive = async (chunks: Uint8Array[]) => {
    const client = peer('client', [new PerMessageDeflate('client', DEFAULTS)]);
    for (const chunk of chunks) client.protocol.receive(chunk);
    await until(() => client.events.length >= 2);
    return client.events;
  };
  // §7.2.3.1 unfragmented and fragmented "Hello", then §7.2.3.2's shared-window "Hello".
  const stream = new Uint8Array([
    ...serverFrame(0xc1, hex('f2 48 cd c9 c9 07 00')),
    ...serverFrame(0x41, hex('f2 48 cd')),
    ...serverFrame(0x80, hex('c9 c9 07 00')),
    ...serverFrame(0xc1, hex('f2 00 11 00 00')),
  ]);

  it('decodes "Hello" three ways, sharing the window', async () => {
    const client = peer('client', [new PerMessageDeflate('client', DEFAULTS)]);
    client.protocol.receive(stream.slice());
    await until(() => client.events.length >= 3);
    expect(client.events).toEqual([
      { type: 'text', data: 'Hello' },
      { type: 'text', data: 'Hello' },
      { type: 'text', data: 'Hello' },
    ]);
  });

  it('gives the same messages at every split point of the byte stream', async () => {
    for (let split = 0; split <= stream.length; split++) {
      const client = peer('client', [new PerMessageDeflate('client', DEFAULTS)]);
      client.protocol.receive(stream.slice(0, split));
      client.protocol.receive(stream.slice(split));
      await until(() => client.events.length >= 3);
      expect(client.events.map((event) => event.type === 'text' && event.data)).toEqual([
        'Hello',
        'Hello',
        'Hello',
      ]);
    }
  });

  it('§7.2.3.3/§7.2.3.4/§7.2.3.5: stored block, BFINAL, two blocks', async () => {
    const events = await receive([
      serverFrame(0xc1, hex('00 05 00 fa ff 48 65 6c 6c 6f 00')),
      serverFrame(0xc1, hex('f3 48 cd c9 c9 07 00 00')),
    ]);
    expect(events).toEqual([
      { type: 'text', data: 'Hello' },
      { type: 'text', data: 'Hello' },
    ]);
    const more = await receive([
      serverFrame(0xc1, hex('f2 48 05 00 00 00 ff ff ca c9 c9 07 00')),
      serverFrame(0x81, hex('48 65 6c 6c 6f')), // uncompressed: no RSV1
    ]);
    expect(more).toEqual([
      { type: 'text', data: 'Hello' },
      { type: 'text', data: 'Hello' },
    ]);
  });

  it('a decompression bomb under the wire limit fails with 1009 once inflated past it', async () => {
    const bomb = deflateRawSync(new Uint8Array(16 * 1024 * 1024), { finishFlush: 2 }).subarray(
      0,
      -4,
    );
    expect(bomb.length).toBeLessThan(20_000);
    const server = peer('server', [new PerMessageDeflate('server', DEFAULTS)], 100_000);
    const events = server.events;
    // FIN + RSV1 + binary, the bomb as the compressed payload.
    server.protocol.receive(rawClientFrame(0xc2, bomb));
    await until(() => events.some((event) => event.type === 'error'));
    const error = events.find((event) => event.type === 'error');
    expect(error).toMatchObject({ error: { kind: 'message-too-large', closeCode: 1009 } });
  });

  it('corrupt compressed data fails with 1007', async () => {
    const server = peer('server', [new PerMessageDeflate('server', DEFAULTS)]);
    server.protocol.receive(rawClientFrame(0xc1, hex('ff ff ff ff')));
    await until(() => server.events.some((event) => event.type === 'error'));
    expect(server.events.find((event) => event.type === 'error')).toMatchObject({
      error: { kind: 'extension-failed', closeCode: 1007 },
    });
  });
});

describe('negotiateServer / clientOffer / negotiateClient', () => {
  it('the server is off by default and on with true or options', () => {
    const offers = [buildOffer()];
    expect(negotiateServer(offers, undefined)).toBeNull();
    expect(negotiateServer(offers, false)).toBeNull();
    const on = negotiateServer(offers, true);
    expect(on?.header).toBe('permessage-deflate');
    expect(on?.extension).toBeInstanceOf(PerMessageDeflate);
    expect(on?.extension.role).toBe('server');
    const tuned = negotiateServer(offers, {
      serverMaxWindowBits: 10,
      clientNoContextTakeover: true,
    });
    expect(tuned?.header).toBe(
      'permessage-deflate; client_no_context_takeover; server_max_window_bits=10',
    );
    expect(tuned?.response).toEqual(
      acceptOffer(offers, { serverMaxWindowBits: 10, clientNoContextTakeover: true }).ok && {
        name: 'permessage-deflate',
        params: [
          { name: 'client_no_context_takeover', value: undefined },
          { name: 'server_max_window_bits', value: '10' },
        ],
      },
    );
    expect(negotiateServer([], true)).toBeNull();
  });

  it('the client offers by default', () => {
    expect(clientOffer(undefined)).toEqual({
      name: 'permessage-deflate',
      params: [{ name: 'client_max_window_bits', value: undefined }],
    });
    expect(clientOffer(false)).toBeNull();
    expect(clientOffer({ serverNoContextTakeover: true })?.params).toHaveLength(2);
  });

  it('the client runs what the server accepted, or fails with a reason', () => {
    const server = negotiateServer([clientOffer(true)!], { serverMaxWindowBits: 9 })!;
    const client = negotiateClient([server.response], true);
    expect(client.ok && client.extension?.params).toEqual({ ...DEFAULTS, serverMaxWindowBits: 9 });
    expect(negotiateClient([], undefined)).toEqual({ ok: true, extension: null });
    expect(negotiateClient([server.response], false)).toEqual({ ok: true, extension: null });
    expect(
      negotiateClient(
        [{ name: 'permessage-deflate', params: [{ name: 'server_max_window_bits', value: '42' }] }],
        true,
      ),
    ).toEqual({
      ok: false,
      reason:
        'invalid permessage-deflate response: server_max_window_bits must be an integer from 8 to 15, got "42"',
    });
  });

  it('throws for caller misuse only', () => {
    expect(() => negotiateServer([], 'yes' as never)).toThrow(TypeError);
    expect(() => new PerMessageDeflate('server', DEFAULTS, { threshold: -1 })).toThrow(RangeError);
    expect(() => new PerMessageDeflate('server', DEFAULTS, { level: 10 })).toThrow(RangeError);
    expect(() => new PerMessageDeflate('peer' as never, DEFAULTS)).toThrow(TypeError);
    expect(DEFAULT_THRESHOLD).toBe(1024);
  });
});
