/** The driver's permessage-deflate side (RFC 7692): the answer check, compressor, inflater, reader. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { noise, repeated } from '../src/cases/deflate-data.js';
import {
  Compressor,
  checkDeflateResponse,
  Decompressor,
  parseExtensions,
} from '../src/driver/deflate.js';
import { encodeFrame, OP } from '../src/driver/frames.js';
import { FrameReader, type ReceivedMessage } from '../src/driver/reader.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const HELLO = new TextEncoder().encode('Hello');

describe('parseExtensions', () => {
  it('splits elements and parameters, unquoting values', () => {
    expect(
      parseExtensions('permessage-deflate; client_max_window_bits="10" ;x, foo ,  bar; a=1'),
    ).toEqual([
      {
        name: 'permessage-deflate',
        params: [
          ['client_max_window_bits', '10'],
          ['x', undefined],
        ],
      },
      { name: 'foo', params: [] },
      { name: 'bar', params: [['a', '1']] },
    ]);
  });
});

describe('checkDeflateResponse (RFC 7692 §7.1, the client side)', () => {
  const BROWSER = 'permessage-deflate; client_max_window_bits';
  it('reads what was agreed, with 15 for absent window sizes', () => {
    expect(checkDeflateResponse(BROWSER, 'permessage-deflate')).toEqual({
      ok: true,
      agreed: {
        serverNoContextTakeover: false,
        clientNoContextTakeover: false,
        serverMaxWindowBits: 15,
        clientMaxWindowBits: 15,
      },
    });
    expect(
      checkDeflateResponse(
        BROWSER,
        'permessage-deflate; server_max_window_bits=10; client_max_window_bits=9; server_no_context_takeover; client_no_context_takeover',
      ),
    ).toEqual({
      ok: true,
      agreed: {
        serverNoContextTakeover: true,
        clientNoContextTakeover: true,
        serverMaxWindowBits: 10,
        clientMaxWindowBits: 9,
      },
    });
  });
  it('a declined offer is no extension', () => {
    expect(checkDeflateResponse(BROWSER, undefined)).toEqual({ ok: true, agreed: null });
    expect(checkDeflateResponse(BROWSER, '')).toEqual({ ok: true, agreed: null });
  });
  it('accepts an answer that fits a later offer of a list', () => {
    const result = checkDeflateResponse(
      'permessage-deflate; server_max_window_bits=9, permessage-deflate; client_max_window_bits',
      'permessage-deflate; client_max_window_bits=12',
    );
    expect(result.ok && result.agreed?.clientMaxWindowBits).toBe(12);
  });
  const bad: [string, string, RegExp][] = [
    ['permessage-deflate', 'x-other', /not offered/],
    ['permessage-deflate', 'permessage-deflate, permessage-deflate', /2 permessage-deflate/],
    ['permessage-deflate', 'permessage-deflate; client_max_window_bits=10', /not offered/],
    [BROWSER, 'permessage-deflate; client_max_window_bits', /without a value/],
    [BROWSER, 'permessage-deflate; server_max_window_bits=16', /server_max_window_bits=16/],
    [BROWSER, 'permessage-deflate; server_max_window_bits=010', /server_max_window_bits=010/],
    [BROWSER, 'permessage-deflate; server_no_context_takeover=1', /takes no value/],
    [BROWSER, 'permessage-deflate; foo', /unknown parameter foo/],
    [
      BROWSER,
      'permessage-deflate; client_no_context_takeover; client_no_context_takeover',
      /twice/,
    ],
    [
      'permessage-deflate; server_max_window_bits=10',
      'permessage-deflate; server_max_window_bits=11',
      /above the offered 10/,
    ],
    [
      'permessage-deflate; client_max_window_bits=10',
      'permessage-deflate; client_max_window_bits=11',
      /above the offered 10/,
    ],
    [
      'permessage-deflate; server_no_context_takeover',
      'permessage-deflate',
      /server_no_context_takeover offered but not in the answer/,
    ],
  ];
  for (const [offer, answer, reason] of bad) {
    it(`refuses "${answer}" to "${offer}"`, () => {
      const result = checkDeflateResponse(offer, answer);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(reason);
    });
  }
});

describe('Compressor and Decompressor', () => {
  it('compress "Hello" as RFC 7692 §7.2.3.1 shows, and the second one into the shared window', async () => {
    const compressor = new Compressor(15, false);
    expect(hex(await compressor.compress('Hello'))).toBe('f248cdc9c90700');
    expect(hex(await compressor.compress('Hello'))).toBe('f200110000');
    const fresh = new Compressor(15, true);
    expect(hex(await fresh.compress('Hello'))).toBe('f248cdc9c90700');
    expect(hex(await fresh.compress('Hello'))).toBe('f248cdc9c90700');
  });
  it('end a message as asked: tail removed, an empty block of its own, or BFINAL', async () => {
    expect(hex(await new Compressor(15, false).compress(''))).toBe('00');
    const block = await new Compressor(15, false).compress('Hello', 'empty-block');
    expect(hex(block)).toBe('f248cdc9c907000000ffff00');
    const final = await new Compressor(15, false).compress('Hello', 'bfinal');
    expect(final[0]! & 1).toBe(1);
    const inflater = new Decompressor(15, false);
    expect(await inflater.inflate(block)).toEqual(HELLO);
  });
  it('inflate the §7.2.3 examples, keeping the window between messages', async () => {
    const inflater = new Decompressor(15, false);
    expect(
      await inflater.inflate(new Uint8Array([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00])),
    ).toEqual(HELLO);
    expect(await inflater.inflate(new Uint8Array([0xf2, 0x00, 0x11, 0x00, 0x00]))).toEqual(HELLO);
    const stored = new Uint8Array([
      0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00,
    ]);
    expect(await new Decompressor(15, false).inflate(stored)).toEqual(HELLO);
  });
  it('without context takeover, a back-reference into the previous message is an error', async () => {
    const inflater = new Decompressor(15, true);
    await inflater.inflate(new Uint8Array([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]));
    await expect(inflater.inflate(new Uint8Array([0xf2, 0x00, 0x11, 0x00, 0x00]))).rejects.toThrow(
      /distance/,
    );
  });
  it('inflating with the agreed window rejects data that looks further back', async () => {
    const data = repeated(6000, 700);
    const wide = await new Compressor(15, false).compress(data);
    await expect(new Decompressor(9, false).inflate(wide)).rejects.toThrow(/distance/);
    const narrow = await new Compressor(9, false).compress(data);
    expect(await new Decompressor(9, false).inflate(narrow)).toEqual(data);
  });
  it('round-trip any sequence of messages under any window and takeover (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 9, max: 15 }),
        fc.boolean(),
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 3000 }),
            fc.nat(5000).map((n) => repeated(n, 300 + (n % 900))),
            fc.nat(3000).map((n) => noise(n, n + 1)),
          ),
          { maxLength: 6 },
        ),
        async (bits, noTakeover, messages) => {
          const compressor = new Compressor(bits, noTakeover);
          const inflater = new Decompressor(bits, noTakeover);
          for (const message of messages) {
            expect(await inflater.inflate(await compressor.compress(message))).toEqual(message);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('the reader with permessage-deflate in force (RFC 7692 §6.1)', () => {
  function read(deflate: boolean, frames: Parameters<typeof encodeFrame>[0][]) {
    const messages: ReceivedMessage[] = [];
    const violations: string[] = [];
    const reader = new FrameReader(
      'server',
      {
        frame: () => {},
        message: (message) => messages.push(message),
        closeFrame: () => {},
        violation: (what) => violations.push(what),
      },
      () => 0,
    );
    reader.deflate = deflate;
    for (const frame of frames) reader.push(encodeFrame(frame, 'server'));
    return { messages, violations };
  }
  it('marks a message compressed by RSV1 on its first frame and leaves it to be inflated', () => {
    const { messages, violations } = read(true, [
      { opcode: OP.text, rsv: 4, fin: false, payload: new Uint8Array([0xf2, 0x48]) },
      { opcode: OP.continuation, payload: new Uint8Array([0xcd]) },
      { opcode: OP.binary, payload: 'plain' },
    ]);
    expect(violations).toEqual([]);
    expect(messages.map((m) => [m.type, hex(m.data), m.compressed === true])).toEqual([
      ['text', 'f248cd', true],
      ['binary', hex(new TextEncoder().encode('plain')), false],
    ]);
  });
  it('flags RSV1 on a continuation or a control frame, and any RSV1 without the extension', () => {
    expect(
      read(true, [
        { opcode: OP.text, fin: false, payload: 'a' },
        { opcode: OP.continuation, rsv: 4, payload: 'b' },
        { opcode: OP.ping, rsv: 4 },
        { opcode: OP.text, rsv: 2, payload: 'c' },
      ]).violations,
    ).toEqual([
      'RSV1 on a continuation frame (RFC 7692 §6.1)',
      'RSV1 on a control frame (RFC 7692 §6.1)',
      'RSV bits 2 set without an extension (§5.2)',
    ]);
    expect(read(false, [{ opcode: OP.text, rsv: 4, payload: 'a' }]).violations).toEqual([
      'RSV bits 4 set without an extension (§5.2)',
    ]);
  });
});
