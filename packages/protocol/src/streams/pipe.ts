/** One side of a duplex byte pipe: read what the other side writes, and write to it. */
export interface StreamEnd {
  readable: ReadableStream<Uint8Array>;
  writable: WritableStream<Uint8Array>;
}

/**
 * Two connected in-memory stream ends (for tests, or to run client and server in one
 * process). `highWaterMark` is in chunks queued per direction before writes wait.
 */
export function createPipe(highWaterMark = 1): [StreamEnd, StreamEnd] {
  const strategy = { highWaterMark };
  const aToB = new TransformStream<Uint8Array, Uint8Array>(undefined, strategy, strategy);
  const bToA = new TransformStream<Uint8Array, Uint8Array>(undefined, strategy, strategy);
  return [
    { readable: bToA.readable, writable: aToB.writable },
    { readable: aToB.readable, writable: bToA.writable },
  ];
}
