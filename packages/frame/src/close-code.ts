/** RFC 6455 §7.4.1 status codes (and the IANA "WebSocket Close Code Number Registry"). */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  ProtocolError: 1002,
  UnsupportedData: 1003,
  /** §7.4.1: MUST NOT be set as a status code in a Close frame. */
  NoStatus: 1005,
  /** §7.4.1: MUST NOT be set as a status code in a Close frame. */
  Abnormal: 1006,
  InvalidPayload: 1007,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  MandatoryExtension: 1010,
  InternalError: 1011,
  ServiceRestart: 1012,
  TryAgainLater: 1013,
  BadGateway: 1014,
  /** §7.4.1: MUST NOT be set as a status code in a Close frame. */
  TlsHandshake: 1015,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * Whether `code` may appear in a Close frame on the wire (RFC 6455 §7.4): 1000–1003 and
 * 1007–1014 (§7.4.1 plus the IANA registry: 1012–1014), and 3000–4999 (§7.4.2: registered
 * libraries/frameworks and private use). 1004 is reserved, 1005/1006/1015 are never sent,
 * 0–999 are not used and 1016–2999 are reserved for future revisions.
 */
export function isValidCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  return (
    (code >= 1000 && code <= 1003) ||
    (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999)
  );
}
