export { Deflater, type DeflateTuning } from './deflate.js';
export {
  checkDeflateOptions,
  clientOffer,
  DEFAULT_THRESHOLD,
  type DeflateOptions,
  negotiateClient,
  negotiateServer,
  PerMessageDeflate,
  resolveDeflateOptions,
  type ServerDeflate,
} from './extension.js';
export { INFLATE_CHUNK_SIZE, type InflateResult, Inflater } from './inflate.js';
export { DEFAULT_CONCURRENCY, Limiter, setConcurrencyLimit, sharedLimiter } from './limiter.js';
export {
  acceptOffer,
  buildOffer,
  type ClientNegotiation,
  checkNegotiationOptions,
  checkResponse,
  type DeflateParams,
  EXTENSION_NAME,
  MAX_WINDOW_BITS,
  MIN_WINDOW_BITS,
  type NegotiationOptions,
  type OfferParams,
  type OfferResult,
  parseOffer,
  type ServerNegotiation,
} from './negotiation.js';
