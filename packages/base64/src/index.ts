export { decode, decodePure } from './decoder.js';
export { encode, encodePure } from './encoder.js';
export { BASE64_ERROR_MESSAGES, Base64Error, type Base64ErrorKind } from './errors.js';
export type { DecodeOptions, EncodeOptions } from './options.js';
