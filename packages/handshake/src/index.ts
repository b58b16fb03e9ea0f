export type { RequestOptions, WebSocketTarget } from './client-request.js';
export { buildRequest, resolveTarget } from './client-request.js';
export type {
  ExpectedHandshake,
  HandshakeFailure,
  ResponseHead,
  ValidateResponseResult,
} from './client-validate.js';
export { validateResponse } from './client-validate.js';
export type { ExtensionOffer, ExtensionParam, ExtensionsResult } from './extensions.js';
export { formatExtensions, parseExtensions } from './extensions.js';
export type {
  HeadError,
  HeadLimits,
  HeadOf,
  HeadReaderResult,
  HeadResult,
  ParsedRequestHead,
  ParsedResponseHead,
} from './head-parser.js';
export { HeadReader, parseRequestHead, parseResponseHead } from './head-parser.js';
export type { HeaderInput } from './header-input.js';
export { acceptKey, generateKey, isValidKey, WEBSOCKET_GUID } from './key.js';
export type { OutgoingHeaders } from './outgoing.js';
export type { ProtocolsResult } from './protocols.js';
export { formatProtocols, negotiateProtocol, parseProtocols, selectProtocol } from './protocols.js';
export type { ListLimits } from './scan.js';
export type { AcceptOptions, RejectOptions } from './server-response.js';
export { acceptResponse, acceptResponseText, rejectResponse } from './server-response.js';
export type {
  AcceptedHandshake,
  Rejection,
  RejectionKind,
  RequestHead,
  ValidateRequestResult,
} from './server-validate.js';
export { REJECTION_STATUS, validateRequest } from './server-validate.js';
export { reasonPhrase } from './status.js';
