import { describe, expect, it } from 'vitest';
import { referenceFrame } from '../src/corpus.js';
import { checkSampledFrames } from '../src/e2e/broadcast-load.js';
import { broadcastPayload } from '../src/e2e/control.js';
import { FrameCounter } from '../src/e2e/load.js';

const sizes = [0, 125, 126, 70 * 1024];

function received(frames: Uint8Array[]): FrameCounter {
  const counter = new FrameCounter(true);
  const stream = Buffer.concat(frames);
  // Arbitrary chunking: the counter must not care.
  for (let at = 0; at < stream.length; at += 1000) counter.feed(stream.subarray(at, at + 1000));
  return counter;
}

describe('checkSampledFrames', () => {
  const frames = sizes.map((size, i) => referenceFrame(broadcastPayload(size, 40 + i)));

  it('accepts exactly the messages asked for, in order', () => {
    expect(checkSampledFrames(received(frames), sizes, 40, 4)).toBeUndefined();
  });

  it('reports a missing or extra frame', () => {
    expect(checkSampledFrames(received(frames.slice(0, 3)), sizes, 40, 4)).toMatch(/3 frames/);
    expect(checkSampledFrames(received(frames), sizes, 40, 3)).toMatch(/4 frames, expected 3/);
  });

  it('reports a stale message (another seq) or swapped ones', () => {
    // Message 1 is empty, the same whatever its seq; message 2 is the first to differ.
    expect(checkSampledFrames(received(frames), sizes, 41, 4)).toMatch(/message 2/);
    const swapped = [frames[0]!, frames[2]!, frames[1]!, frames[3]!];
    expect(checkSampledFrames(received(swapped), sizes, 40, 4)).toMatch(/message 2/);
    const sameSizes = [1024, 1024];
    const stale = [
      referenceFrame(broadcastPayload(1024, 7)),
      referenceFrame(broadcastPayload(1024, 7)),
    ];
    expect(checkSampledFrames(received(stale), sameSizes, 7, 2)).toMatch(/message 2/);
  });

  it('reports a frame that is not a final binary frame', () => {
    const text = Uint8Array.from(frames[1]!);
    text[0] = 0x81;
    expect(
      checkSampledFrames(received([frames[0]!, text, frames[2]!, frames[3]!]), sizes, 40, 4),
    ).toMatch(/0x81/);
  });
});
