export { DEFAULT_THRESHOLD } from './constants.js';
export type { InflateResult } from './inflate-result.js';
export { DEFAULT_CONCURRENCY, Limiter, setConcurrencyLimit, sharedLimiter } from './limiter.js';
export type { DeflateParams } from './negotiation.js';
export { deflateMessage } from './web-deflate.js';
export {
  checkWebDeflateOptions,
  negotiateWebClient,
  negotiateWebServer,
  type WebDeflateOptions,
  WebPerMessageDeflate,
  type WebServerDeflate,
  webClientOffer,
  webDeflateSupported,
} from './web-extension.js';
export { WebInflater } from './web-inflate.js';
