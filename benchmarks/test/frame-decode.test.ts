import { describe, expect, it } from 'vitest';
import { CHUNKINGS } from '../src/corpus.js';
import { loadWs } from '../src/implementations/ws.js';
import {
  corpus,
  type DecodeDriver,
  decodePass,
  prepare,
  wsDriver,
} from '../src/sections/frame-decode.js';

const data = corpus();
const ws = loadWs();

describe('frame-decode section plumbing', () => {
  it('ws decodes the whole corpus to the exact counts, both copies, both chunkings', () => {
    for (const chunking of [CHUNKINGS.fixed64k, CHUNKINGS.random4k]) {
      const streams = [prepare(data.masked, chunking), prepare(data.unmasked, chunking)];
      for (const instance of [ws.withBufferutil, ws.withoutBufferutil]) {
        const problems: string[] = [];
        const pass = decodePass(wsDriver(instance), streams, problems);
        expect(problems).toEqual([]);
        expect(pass.frames).toBe(4003);
        expect(pass.bytes).toBe(20_049_907);
      }
    }
  });

  it('refills the stream before every pass (decoders unmask in place)', () => {
    const streams = [prepare(data.masked, CHUNKINGS.fixed64k)];
    for (let pass = 0; pass < 2; pass++) {
      const problems: string[] = [];
      decodePass(wsDriver(ws.withBufferutil), streams, problems);
      expect(problems).toEqual([]);
    }
  });

  it('reports a decoder that drops a frame or errors', () => {
    const streams = [prepare(data.unmasked, CHUNKINGS.fixed64k)];
    const dropsOne: DecodeDriver = (role, chunks, tally) => {
      wsDriver(ws.withBufferutil)(role, chunks, tally);
      tally.frames--;
    };
    const problems: string[] = [];
    decodePass(dropsOne, streams, problems);
    expect(problems).toEqual([expect.stringContaining('2000 frames')]);
    const wrongRole: string[] = [];
    decodePass(
      wsDriver(ws.withBufferutil),
      [{ ...streams[0]!, stream: { ...data.unmasked, role: 'server' } }],
      wrongRole,
    );
    // ws emits its 'error' on a later tick; the frame count already shows the failure.
    expect(wrongRole[0]).toMatch(/server stream: 0 frames/);
  });

  it('loads two ws copies: native unmask with bufferutil, the JS loop without', () => {
    expect(ws.withBufferutil.native).toBe(true);
    expect(ws.withoutBufferutil.native).toBe(false);
    expect(ws.withBufferutil.Receiver).not.toBe(ws.withoutBufferutil.Receiver);
    expect(process.env.WS_NO_BUFFER_UTIL).toBeUndefined();
  });
});
