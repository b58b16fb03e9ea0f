import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CHUNKINGS,
  CORPUS_FRAME_COUNT,
  CORPUS_MASKED_FRAME_COUNT,
  CORPUS_MASKED_PAYLOAD_BYTES,
  CORPUS_PAYLOAD_BYTES,
  type CorpusStream,
  chunkLengths,
  fnv1a,
  generateCorpus,
  lengthForm,
} from '../src/corpus.js';

const corpus = generateCorpus();

/** An independent, obviously-correct header walk (RFC 6455 §5.2) over a generated stream. */
function walk(stream: CorpusStream): { lengths: number[]; masks: boolean[]; digest: number } {
  const bytes = stream.bytes;
  const lengths: number[] = [];
  const masks: boolean[] = [];
  let digest = 0x811c9dc5;
  let at = 0;
  while (at < bytes.length) {
    expect(bytes[at]).toBe(0x82);
    const masked = (bytes[at + 1]! & 0x80) !== 0;
    let length = bytes[at + 1]! & 0x7f;
    at += 2;
    if (length === 126) {
      length = (bytes[at]! << 8) | bytes[at + 1]!;
      at += 2;
    } else if (length === 127) {
      length = Number(new DataView(bytes.buffer, bytes.byteOffset + at, 8).getBigUint64(0));
      at += 8;
    }
    const key = masked ? bytes.subarray(at, at + 4) : undefined;
    if (masked) at += 4;
    const payload = bytes.slice(at, at + length);
    if (key) for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i & 3]!;
    digest = fnv1a(payload, digest);
    lengths.push(length);
    masks.push(masked);
    at += length;
  }
  expect(at).toBe(bytes.length);
  return { lengths, masks, digest };
}

describe('decoding corpus', () => {
  it('has exactly the seed suite counts', () => {
    expect(corpus.frameCount).toBe(CORPUS_FRAME_COUNT);
    expect(corpus.frameCount).toBe(4003);
    expect(corpus.payloadBytes).toBe(20_049_907);
    expect(corpus.masked.frameCount).toBe(CORPUS_MASKED_FRAME_COUNT);
    expect(corpus.masked.frameCount).toBe(2002);
    expect(corpus.masked.payloadBytes).toBe(CORPUS_MASKED_PAYLOAD_BYTES);
    expect(corpus.masked.payloadBytes).toBe(14_023_032);
    expect(corpus.unmasked.frameCount).toBe(2001);
    expect(corpus.payloadBytes).toBe(CORPUS_PAYLOAD_BYTES);
  });

  it('encodes exactly the frames it lists: lengths, masking per stream, payload digest', () => {
    for (const stream of [corpus.masked, corpus.unmasked]) {
      const seen = walk(stream);
      expect(seen.lengths).toEqual(stream.payloadLengths);
      expect(seen.lengths.reduce((a, b) => a + b, 0)).toBe(stream.payloadBytes);
      expect(seen.masks.every((m) => m === stream.masked)).toBe(true);
      expect(seen.digest).toBe(stream.payloadDigest);
    }
    expect(corpus.masked.role).toBe('server');
    expect(corpus.unmasked.role).toBe('client');
  });

  it('spreads sizes over the 7-bit, 16-bit and 64-bit length forms, including the boundaries of each', () => {
    for (const stream of [corpus.masked, corpus.unmasked]) {
      const forms = new Map<string, number>();
      for (const length of stream.payloadLengths)
        forms.set(lengthForm(length), (forms.get(lengthForm(length)) ?? 0) + 1);
      expect(forms.get('short')).toBeGreaterThan(100);
      expect(forms.get('medium')).toBeGreaterThan(100);
      expect(forms.get('long')).toBeGreaterThan(5);
    }
  });

  it('is identical across runs (pinned SHA-256 of both streams)', () => {
    const again = generateCorpus();
    expect(Buffer.compare(Buffer.from(again.masked.bytes), Buffer.from(corpus.masked.bytes))).toBe(
      0,
    );
    expect(
      Buffer.compare(Buffer.from(again.unmasked.bytes), Buffer.from(corpus.unmasked.bytes)),
    ).toBe(0);
    const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
    expect(digest(corpus.masked.bytes)).toBe(
      '2d22075dd7a5192d9798011efc08d9471b535f3fb2224c567c9f5b7556bf3da6',
    );
    expect(digest(corpus.unmasked.bytes)).toBe(
      'c981d73c046936caf91d93b98292c5fb5d9c3061ba6b0d73a706e2ad6453cf96',
    );
  });

  it('differs for another seed', () => {
    const other = generateCorpus(1);
    expect(other.frameCount).toBe(4003);
    expect(other.payloadBytes).toBe(20_049_907);
    expect(
      Buffer.compare(Buffer.from(other.masked.bytes), Buffer.from(corpus.masked.bytes)),
    ).not.toBe(0);
  });
});

describe('chunkLengths', () => {
  it('covers the stream exactly in 64 KiB chunks', () => {
    const lengths = chunkLengths(200_000, CHUNKINGS.fixed64k);
    expect(lengths).toEqual([65_536, 65_536, 65_536, 3_392]);
  });

  it('draws random chunks of 1 B – 4 KiB, the same every time', () => {
    const total = corpus.masked.bytes.length;
    const lengths = chunkLengths(total, CHUNKINGS.random4k);
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(total);
    expect(Math.min(...lengths)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(4096);
    expect(lengths.slice(0, -1).some((n) => n < 64)).toBe(true);
    expect(chunkLengths(total, CHUNKINGS.random4k)).toEqual(lengths);
  });
});
