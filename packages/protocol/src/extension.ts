import type { ConnectionError } from './errors.js';

/**
 * A message as an extension sees it: after reassembly on the way in, before fragmentation on
 * the way out. `rsv` holds the RSV bits of the message's first frame as a bit set
 * (0x4 = RSV1, 0x2 = RSV2, 0x1 = RSV3).
 */
export interface ExtensionMessage {
  /** 1 (text) or 2 (binary). */
  opcode: number;
  payload: Uint8Array;
  rsv: number;
}

/** A value or a promise of it: zlib-style transforms are asynchronous. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * A negotiated extension (RFC 6455 §9), e.g. permessage-deflate (RFC 7692) later. The
 * handshake negotiates it; the Protocol only runs it. Extensions transform whole message
 * payloads and claim RSV bits:
 *
 * - `rsv` names the bits the extension may set; the decoder accepts exactly the union of the
 *   bits the configured extensions claim (§5.2: other bits still fail the connection).
 * - `encode` runs on every outgoing text/binary message, in the order the extensions are
 *   listed, and returns the payload to send and the RSV bits to set on its first frame.
 * - `decode` runs, in reverse order, on every incoming message whose first frame carries any of
 *   the extension's bits; it returns the original payload or an error value (which fails the
 *   connection with the error's close code, e.g. 1007 for corrupt data, 1009 when the result
 *   would exceed `maxMessageSize`).
 *
 * Both may return a promise. The Protocol keeps order: messages and events behind a pending
 * decode are held (and counted against `maxBufferedBytes`) until it settles; data frames and
 * the Close frame behind a pending encode wait for it. Control frames (ping/pong) are never
 * transformed and are not held back. A throw or a rejection fails the connection with 1011.
 * Text messages are validated as UTF-8 after `decode`, not piece by piece.
 */
export interface Extension {
  /** The registered token, e.g. 'permessage-deflate'. */
  readonly name: string;
  /** RSV bits this extension claims: 0x4 = RSV1, 0x2 = RSV2, 0x1 = RSV3. */
  readonly rsv: number;
  encode(message: ExtensionMessage): MaybePromise<ExtensionMessage>;
  decode(
    message: ExtensionMessage,
    limits: { maxMessageSize: number },
  ): MaybePromise<Uint8Array | ConnectionError>;
  /** Called once when the connection is closed, to release resources. */
  dispose?(): void;
}
