import { isFieldValue, isToken } from './chars.js';

/** Extra headers a caller adds to an outgoing request or response. */
export type OutgoingHeaders =
  | Readonly<Record<string, string | number | readonly string[] | undefined>>
  | ReadonlyArray<readonly [string, string]>;

/**
 * Appends `name: value\r\n` to `head` after checking both: a name must be a token and a value must hold
 * no CR, LF, NUL or other control character (RFC 7230 §3.2), so nothing the caller passes can split
 * the head or smuggle a header. Misuse throws TypeError and nothing is written.
 */
export function headerLine(name: string, value: string): string {
  if (typeof name !== 'string' || !isToken(name)) {
    throw new TypeError(`header name must be a token, got ${JSON.stringify(name)}`);
  }
  if (typeof value !== 'string' || !isFieldValue(value)) {
    throw new TypeError(
      `header ${name} has a value with CR, LF, NUL or another control character: ${JSON.stringify(value)}`,
    );
  }
  return `${name}: ${value}\r\n`;
}

/**
 * Serializes caller headers, refusing the names in `reserved` (lowercase) that the function writes
 * itself, so a caller cannot send a second `Upgrade` or `Content-Length`.
 */
export function extraHeaderLines(
  headers: OutgoingHeaders | undefined,
  reserved: readonly string[],
): string {
  if (headers === undefined) return '';
  let out = '';
  const add = (name: string, value: string): void => {
    if (typeof name === 'string' && reserved.includes(name.toLowerCase())) {
      throw new TypeError(`header ${name} is set by the handshake and cannot be given in headers`);
    }
    out += headerLine(name, value);
  };
  if (Array.isArray(headers)) {
    for (const pair of headers as ReadonlyArray<readonly [string, string]>) {
      if (!Array.isArray(pair) || pair.length !== 2) {
        throw new TypeError('headers must be [name, value] pairs');
      }
      add(pair[0], pair[1]);
    }
  } else {
    const record = headers as Readonly<
      Record<string, string | number | readonly string[] | undefined>
    >;
    for (const name of Object.keys(record)) {
      const value = record[name];
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) add(name, item);
      else add(name, typeof value === 'number' ? String(value) : (value as string));
    }
  }
  return out;
}

/** Whether `headers` names `lowerName` (for defaults the caller may override). */
export function hasHeader(headers: OutgoingHeaders | undefined, lowerName: string): boolean {
  if (headers === undefined) return false;
  if (Array.isArray(headers)) {
    return (headers as ReadonlyArray<readonly [string, string]>).some(
      (pair) => typeof pair?.[0] === 'string' && pair[0].toLowerCase() === lowerName,
    );
  }
  return Object.keys(headers).some(
    (name) =>
      name.toLowerCase() === lowerName && (headers as Record<string, unknown>)[name] !== undefined,
  );
}

/**
 * The head as bytes, one byte per character (ISO-8859-1, as HTTP/1.1 heads are read). Every header
 * value was checked by `headerLine`; a character above U+00FF anywhere is a TypeError.
 */
export function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  latin1Into(text, bytes, 0);
  return bytes;
}

/** Writes `text` as ISO-8859-1 into `bytes` at `offset`; see `latin1Bytes`. */
export function latin1Into(text: string, bytes: Uint8Array, offset: number): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) {
      throw new TypeError(`header text holds a character above U+00FF at position ${i}`);
    }
    bytes[offset + i] = c;
  }
}

/** UTF-8 bytes of a body. */
export function utf8Bytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
