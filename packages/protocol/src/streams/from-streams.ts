import { Connection, type ConnectionOptions } from '../connection.js';
import { StreamTransport } from './stream-transport.js';

/**
 * A Connection over a ReadableStream/WritableStream byte pair whose opening handshake (if
 * any) is done. The connection takes ownership of the chunks it reads.
 */
export function fromStreams(
  readable: ReadableStream<Uint8Array>,
  writable: WritableStream<Uint8Array>,
  options: ConnectionOptions,
): Connection {
  return new Connection(new StreamTransport(readable, writable), options);
}
