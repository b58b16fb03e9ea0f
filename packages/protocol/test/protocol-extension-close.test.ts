import { describe, expect, it } from 'vitest';
import type { Extension, ExtensionMessage, Protocol } from '../src/index.js';
import { clientFrame, closeCodeOf, collect, Opcode, sentFrames, types } from './helpers.js';

/**
 * A slow asynchronous RSV1 extension whose encodes finish only when the test says so (like a
 * permessage-deflate encode still in zlib); decodes are synchronous. Counts dispose calls.
 */
function gatedExtension() {
  const gates: (() => void)[] = [];
  const state = { disposed: 0 };
  const extension: Extension = {
    name: 'x-gated',
    rsv: 0x4,
    encode: (message: ExtensionMessage) =>
      new Promise((resolve) => {
        gates.push(() => resolve({ ...message, rsv: message.rsv | 0x4 }));
      }),
    decode: (message: ExtensionMessage) => message.payload,
    dispose: () => {
      state.disposed++;
    },
  };
  /** Lets every encode started so far finish, then waits for the promise callbacks. */
  const release = async (): Promise<void> => {
    for (const open of gates.splice(0)) open();
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return { extension, state, release, pending: () => gates.length };
}

const opcodes = (protocol: Protocol) => sentFrames(protocol).map((f) => [f.opcode, closeCodeOf(f)]);

describe('a Close of ours waits for the messages already being encoded (ws does the same)', () => {
  it('after a failure: the message accepted before it goes first, then the Close', async () => {
    const gated = gatedExtension();
    const { protocol, events } = collect({ extensions: [gated.extension] });
    protocol.sendText('accepted before the failure');
    expect(gated.pending()).toBe(1);
    // §5.1: an unmasked frame from a client fails the connection (1002).
    protocol.receive(new Uint8Array([0x81, 0x00]));
    expect(types(events)).toEqual(['error:mask-required', 'close']);
    expect(protocol.state).toBe('closed');
    // Nothing is written yet, and the transport must stay open for the Close still to come.
    expect(protocol.bytesToSend()).toEqual([]);
    expect(protocol.shouldCloseTransport).toBe(false);
    expect(gated.state.disposed).toBe(0);
    await gated.release();
    expect(opcodes(protocol)).toEqual([
      [Opcode.Text, undefined],
      [Opcode.Close, 1002],
    ]);
    expect(protocol.shouldCloseTransport).toBe(true);
    expect(gated.state.disposed).toBe(1);
  });

  it("in reply to the peer's Close: the pending messages, then the reply", async () => {
    const gated = gatedExtension();
    const { protocol, events } = collect({ extensions: [gated.extension] });
    protocol.sendBinary(new Uint8Array([1]));
    protocol.sendText('two');
    protocol.receive(clientFrame(Opcode.Close, [0x03, 0xe8]));
    expect(types(events)).toEqual(['close']);
    expect(protocol.bytesToSend()).toEqual([]);
    expect(protocol.shouldCloseTransport).toBe(false);
    // Released one encode at a time: the Close stays last whatever the order of completion.
    await gated.release();
    await gated.release();
    expect(opcodes(protocol)).toEqual([
      [Opcode.Binary, undefined],
      [Opcode.Text, undefined],
      [Opcode.Close, 1000],
    ]);
    expect(protocol.shouldCloseTransport).toBe(true);
  });

  it('does not wait when the transport is gone: the close is final and the extension disposed', () => {
    const gated = gatedExtension();
    const { protocol, events } = collect({ extensions: [gated.extension] });
    protocol.sendText('never written');
    protocol.receive(new Uint8Array([0x81, 0x00]));
    expect(protocol.shouldCloseTransport).toBe(false);
    protocol.receiveEof();
    expect(types(events)).toEqual(['error:mask-required', 'close']);
    expect(protocol.shouldCloseTransport).toBe(true);
    expect(gated.state.disposed).toBe(1);
  });

  it('the close deadline (enforced by the transport binding) is set while the Close waits', () => {
    const now = 1000;
    const gated = gatedExtension();
    const { protocol } = collect({
      extensions: [gated.extension],
      closeTimeout: 500,
      now: () => now,
    });
    protocol.sendText('stuck');
    protocol.receive(clientFrame(Opcode.Close, [0x03, 0xe8]));
    expect(protocol.shouldCloseTransport).toBe(false);
    expect(protocol.closeDeadline).toBe(1500);
  });

  it('without an encode in progress the Close is written at once, as before', () => {
    const gated = gatedExtension();
    const { protocol } = collect({ extensions: [gated.extension] });
    protocol.receive(clientFrame(Opcode.Close, [0x03, 0xe8]));
    expect(opcodes(protocol)).toEqual([[Opcode.Close, 1000]]);
    expect(protocol.shouldCloseTransport).toBe(true);
    expect(gated.state.disposed).toBe(1);
  });
});
