export { fromStreams } from './from-streams.js';
export { createPipe, type StreamEnd } from './pipe.js';
export { StreamTransport } from './stream-transport.js';
