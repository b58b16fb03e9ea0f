import { inflateRawSync } from 'node:zlib';

/**
 * A `DecompressionStream('deflate-raw')` with the strict ending rules of Node 24, Bun and the
 * Compression Streams standard (a stream must end with BFINAL, and nothing may follow it), built on
 * node:zlib so Node 20's lenient stream can be tested against them. Counts instances.
 */
export class StrictDecompressionStream {
  static created = 0;
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;

  constructor(format: string) {
    if (format !== 'deflate-raw') throw new TypeError(`unsupported format ${format}`);
    StrictDecompressionStream.created++;
    const parts: Uint8Array[] = [];
    const transform = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk) {
        parts.push(chunk.slice());
      },
      flush(controller) {
        const input = Buffer.concat(parts);
        let result: { buffer: Buffer; engine: { bytesWritten: number } };
        try {
          result = inflateRawSync(input, { info: true }) as unknown as typeof result;
        } catch (error) {
          throw new TypeError((error as Error).message);
        }
        if (result.engine.bytesWritten < input.length) {
          throw new TypeError('Trailing junk found after the end of the compressed stream');
        }
        const out = new Uint8Array(result.buffer);
        for (let at = 0; at < out.length; at += 16384) {
          controller.enqueue(out.subarray(at, at + 16384));
        }
      },
    });
    this.readable = transform.readable;
    this.writable = transform.writable;
  }
}

export const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
export const text = (data: Uint8Array): string => new TextDecoder().decode(data);
