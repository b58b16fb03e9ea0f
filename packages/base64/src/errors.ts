/**
 * Every way a text can fail strict RFC 4648 decoding. One table, so a kind and its message
 * cannot drift apart.
 */
export const BASE64_ERROR_MESSAGES = {
  /** §3.3: characters not in the alphabet (whitespace included) must be rejected. */
  'invalid-character': 'invalid character',
  /** §3.2/§4: "=" may only fill the last one or two positions of the final group. */
  'unexpected-padding': 'unexpected padding',
  /** §3.2: padded encoding requires the final group to be completed with "=". */
  'missing-padding': 'missing padding',
  /** §3.3: nothing may follow the padding. */
  'data-after-padding': 'data after padding',
  /** §3.5: the pad bits of the last character must be zero (canonical encoding). */
  'non-zero-trailing-bits': 'non-zero trailing bits',
  /** §4: a final group of one character cannot encode a byte. */
  'incomplete-group': 'incomplete final group',
} as const;

export type Base64ErrorKind = keyof typeof BASE64_ERROR_MESSAGES;

/**
 * The text is not strict base64 (or base64url). `offset` is the index of the offending
 * character, or `text.length` when the text ends where a character was required.
 */
export class Base64Error extends SyntaxError {
  override readonly name = 'Base64Error';
  readonly kind: Base64ErrorKind;
  readonly offset: number;

  constructor(kind: Base64ErrorKind, offset: number, detail = '') {
    super(`${BASE64_ERROR_MESSAGES[kind]}${detail} at offset ${offset}`);
    this.kind = kind;
    this.offset = offset;
  }
}
