import { describe, expect, it } from 'vitest';
import type { Extension } from '../src/index.js';
import { clientFrame, collect, Opcode, sentFrames, types } from './helpers.js';

/** Any RSV1 extension (RFC 7692's permessage-deflate is one): it only ever sees data messages. */
const rsv1Extension: Extension = {
  name: 'x-rsv1',
  rsv: 0x4,
  encode: (message) => message,
  decode: (message) => message.payload,
};

describe('RSV bits on control frames with an extension negotiated (RFC 7692 §6.1, RFC 6455 §5.2)', () => {
  for (const [name, opcode, payload] of [
    ['ping', Opcode.Ping, [0x70]],
    ['pong', Opcode.Pong, [0x70]],
    ['close', Opcode.Close, [0x03, 0xe8]],
  ] as const) {
    it(`a ${name} with RSV1 set fails the connection with 1002`, () => {
      const { protocol, events } = collect({ extensions: [rsv1Extension] });
      protocol.receive(clientFrame(opcode, [...payload], { rsv1: true }));
      expect(types(events)).toEqual(['error:reserved-bits', 'close']);
      const sent = sentFrames(protocol);
      expect(sent.map((f) => f.opcode)).toEqual([Opcode.Close]);
      expect((sent[0]!.payload[0]! << 8) | sent[0]!.payload[1]!).toBe(1002);
    });
  }
});
