import { COLON, CR, isFieldChar, isOws, isTchar, LF, SP } from './chars.js';
import type { ScanMeter } from './scan.js';

/** Bounds on an HTTP/1.1 head read from a raw socket. */
export interface HeadLimits {
  /** Most header lines. Default 100. */
  maxHeaders?: number;
  /** Most bytes in the whole head, start line and final CRLFCRLF included. Default 16384. */
  maxHeaderBytes?: number;
}

export const DEFAULT_MAX_HEADERS = 100;
export const DEFAULT_MAX_HEADER_BYTES = 16384;

/** A request head as read from the wire: header names keep their case, one pair per header line. */
export interface ParsedRequestHead {
  method: string;
  url: string;
  /** `major.minor`, as Node's `IncomingMessage.httpVersion`: "1.1". */
  httpVersion: string;
  headers: [string, string][];
}

/** A response head as read from the wire. */
export interface ParsedResponseHead {
  httpVersion: string;
  status: number;
  statusText: string;
  headers: [string, string][];
}

export type HeadError = { state: 'error'; status: 400 | 431; reason: string };

export type HeadResult<H> =
  | { state: 'incomplete' }
  | {
      state: 'complete';
      head: H;
      /** Bytes up to and including the CRLFCRLF; what follows belongs to the WebSocket stream. */
      consumed: number;
    }
  | HeadError;

const INCOMPLETE: { state: 'incomplete' } = { state: 'incomplete' };

export type Kind = 'request' | 'response';

function resolveHeadLimits(limits: HeadLimits | undefined): {
  maxHeaders: number;
  maxHeaderBytes: number;
} {
  const maxHeaders = limits?.maxHeaders ?? DEFAULT_MAX_HEADERS;
  const maxHeaderBytes = limits?.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  if (!Number.isSafeInteger(maxHeaders) || maxHeaders < 0) {
    throw new RangeError(`maxHeaders must be a non-negative integer, got ${String(maxHeaders)}`);
  }
  if (!Number.isSafeInteger(maxHeaderBytes) || maxHeaderBytes < 1) {
    throw new RangeError(
      `maxHeaderBytes must be a positive integer, got ${String(maxHeaderBytes)}`,
    );
  }
  return { maxHeaders, maxHeaderBytes };
}

const ascii = /* @__PURE__ */ new TextDecoder();

/**
 * The head's bytes as a string, one character per byte (ISO-8859-1, as Node reads heads). Decoded once
 * per head and sliced, instead of one string per name and value: measured 41% of the parse time when
 * each piece was decoded separately. ASCII-only heads (the norm) go through the native TextDecoder.
 */
function latin1(bytes: Uint8Array, start: number, end: number, asciiOnly: boolean): string {
  if (asciiOnly) {
    return ascii.decode(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end));
  }
  let out = '';
  // Chunked so that `apply` never receives more arguments than an engine accepts.
  for (let i = start; i < end; i += 8192) {
    const chunk = bytes.subarray(i, Math.min(end, i + 8192));
    out += String.fromCharCode.apply(null, chunk as unknown as number[]);
  }
  return out;
}

function error(status: 400 | 431, reason: string): HeadError {
  return { state: 'error', status, reason };
}

/** `HTTP/` DIGIT `.` DIGIT at `bytes[start..start+8)` → "1.1", else undefined (RFC 7230 §2.6). */
function httpVersion(bytes: Uint8Array, start: number): string | undefined {
  const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;
  if (
    bytes[start] !== 0x48 ||
    bytes[start + 1] !== 0x54 ||
    bytes[start + 2] !== 0x54 ||
    bytes[start + 3] !== 0x50 ||
    bytes[start + 4] !== 0x2f ||
    !isDigit(bytes[start + 5]) ||
    bytes[start + 6] !== 0x2e ||
    !isDigit(bytes[start + 7])
  ) {
    return undefined;
  }
  return `${bytes[start + 5]! - 0x30}.${bytes[start + 7]! - 0x30}`;
}

/**
 * The line-by-line state of one head being read. Bytes are scanned once for line ends and once when
 * their line is validated, whatever the chunking, so the work is linear in the head's size. Pieces are
 * kept as offsets and turned into strings once, when the head is complete.
 */
class HeadScanner {
  bytes: Uint8Array;
  length = 0;
  readonly kind: Kind;
  readonly maxHeaders: number;
  readonly maxHeaderBytes: number;
  steps = 0;
  #position = 0;
  #lineStart = 0;
  #startLine: number[] | undefined;
  #version = '';
  #status = 0;
  /** nameStart, nameEnd, valueStart, valueEnd for each header line. */
  readonly #fields: number[] = [];
  #asciiOnly = true;

  constructor(kind: Kind, limits: HeadLimits | undefined, bytes: Uint8Array) {
    this.kind = kind;
    const { maxHeaders, maxHeaderBytes } = resolveHeadLimits(limits);
    this.maxHeaders = maxHeaders;
    this.maxHeaderBytes = maxHeaderBytes;
    this.bytes = bytes;
  }

  scan(): HeadResult<ParsedRequestHead | ParsedResponseHead> {
    const end = Math.min(this.length, this.maxHeaderBytes);
    // The native search for CR is several times faster than a byte loop; bare LFs and other control
    // bytes are caught when each line is validated.
    // No view made when the bytes end where the scan must (a head read whole, the usual case).
    const bytes = end === this.bytes.length ? this.bytes : this.bytes.subarray(0, end);
    let i = this.#position;
    while (i < end) {
      const cr = bytes.indexOf(CR, i);
      if (cr === -1 || cr + 1 >= end) {
        // RFC 7230 §3: a LF without its CR never ends a line here. Answer it now rather than wait
        // (until the timeout) for a CR that a bare-LF client never sends.
        const lf = bytes.indexOf(LF, i);
        if (lf !== -1 && (cr === -1 || lf < cr)) {
          return error(400, `bare LF at byte ${lf}: header lines must end with CRLF`);
        }
        this.steps += (cr === -1 ? end : cr) - i;
        i = cr === -1 ? end : cr;
        break;
      }
      this.steps += cr + 2 - i;
      // RFC 7230 §3: the start line and each header line end with CRLF; a bare CR is invalid.
      if (bytes[cr + 1] !== LF) {
        return error(400, `bare CR at byte ${cr}: header lines must end with CRLF`);
      }
      const result = this.#line(this.#lineStart, cr);
      i = cr + 2;
      this.#lineStart = i;
      if (result !== undefined) {
        this.#position = i;
        return result;
      }
    }
    this.#position = i;
    if (this.length >= this.maxHeaderBytes) {
      return error(431, `the head is larger than ${this.maxHeaderBytes} bytes`);
    }
    return INCOMPLETE;
  }

  #line(
    start: number,
    end: number,
  ): HeadResult<ParsedRequestHead | ParsedResponseHead> | undefined {
    let reason: string | undefined;
    if (this.#startLine === undefined) {
      if (start === end) {
        // RFC 7230 §3.5: a server SHOULD ignore at least one empty line before the request-line.
        return this.kind === 'request' ? undefined : error(400, 'empty status line');
      }
      reason =
        this.kind === 'request' ? this.#requestLine(start, end) : this.#statusLine(start, end);
    } else if (start === end) {
      return { state: 'complete', head: this.#head(end), consumed: end + 2 };
    } else {
      reason = this.#headerLine(start, end);
    }
    if (reason === undefined) return undefined;
    if (reason === '431') return error(431, `more than ${this.maxHeaders} header lines`);
    // RFC 7230 §3.5: a bare LF is not a line end here (strict parsing); say so when it is the cause.
    const lf = this.bytes.subarray(start, end).indexOf(LF);
    return error(
      400,
      lf === -1 ? reason : `bare LF at byte ${start + lf}: header lines must end with CRLF`,
    );
  }

  #head(end: number): ParsedRequestHead | ParsedResponseHead {
    // Up to the final CRLF included (ASCII): a head that fills its chunk is decoded without a view.
    const text = latin1(this.bytes, 0, end + 2, this.#asciiOnly);
    const fields = this.#fields;
    const headers: [string, string][] = new Array(fields.length / 4);
    for (let k = 0, j = 0; k < fields.length; k += 4, j++) {
      headers[j] = [text.slice(fields[k], fields[k + 1]), text.slice(fields[k + 2], fields[k + 3])];
    }
    const line = this.#startLine!;
    if (this.kind === 'request') {
      return {
        method: text.slice(line[0], line[1]),
        url: text.slice(line[2], line[3]),
        httpVersion: this.#version,
        headers,
      };
    }
    return {
      httpVersion: this.#version,
      status: this.#status,
      statusText: text.slice(line[0], line[1]),
      headers,
    };
  }

  #requestLine(start: number, end: number): string | undefined {
    const bytes = this.bytes;
    let i = start;
    // RFC 7230 §3.1.1: request-line = method SP request-target SP HTTP-version, method = token.
    while (i < end && isTchar(bytes[i]!)) i++;
    if (i === start || i >= end || bytes[i] !== SP) return 'invalid method in the request line';
    const methodEnd = i;
    const target = ++i;
    while (i < end && bytes[i]! > 0x20 && bytes[i]! < 0x7f) i++;
    this.steps += i - start;
    if (i === target || i >= end || bytes[i] !== SP) {
      return 'invalid request target in the request line';
    }
    const targetEnd = i++;
    const version = end - i === 8 ? httpVersion(bytes, i) : undefined;
    if (version === undefined) return 'invalid HTTP version in the request line';
    this.#version = version;
    this.#startLine = [start, methodEnd, target, targetEnd];
    return undefined;
  }

  #statusLine(start: number, end: number): string | undefined {
    const bytes = this.bytes;
    // RFC 7230 §3.1.2: status-line = HTTP-version SP status-code SP reason-phrase.
    const version = end - start >= 12 ? httpVersion(bytes, start) : undefined;
    if (version === undefined || bytes[start + 8] !== SP) {
      return 'invalid HTTP version in the status line';
    }
    let status = 0;
    for (let i = start + 9; i < start + 12; i++) {
      const c = bytes[i]!;
      if (c < 0x30 || c > 0x39) return 'invalid status code in the status line';
      status = status * 10 + c - 0x30;
    }
    if (status < 100) return 'invalid status code in the status line';
    let textStart = end;
    // A missing SP before an empty reason-phrase is tolerated: many servers send "HTTP/1.1 101\r\n".
    if (end > start + 12) {
      if (bytes[start + 12] !== SP) return 'invalid status code in the status line';
      textStart = start + 13;
      for (let i = textStart; i < end; i++) {
        const c = bytes[i]!;
        if (!isFieldChar(c)) return 'invalid character in the reason phrase';
        if (c > 0x7f) this.#asciiOnly = false;
      }
      this.steps += end - start;
    }
    this.#version = version;
    this.#status = status;
    this.#startLine = [textStart, end];
    return undefined;
  }

  /** Validates one header line and records its offsets; returns why it is invalid, or '431'. */
  #headerLine(start: number, end: number): string | undefined {
    const bytes = this.bytes;
    // RFC 7230 §3.2.4: obs-fold (a line starting with SP/HTAB) is rejected with 400.
    if (isOws(bytes[start]!)) return 'obsolete line folding in a header';
    let i = start;
    while (i < end && isTchar(bytes[i]!)) i++;
    // RFC 7230 §3.2.4: no whitespace is allowed between the field name and the colon (MUST reject: 400).
    if (i === start || i >= end || bytes[i] !== COLON) {
      return `invalid header name in the line at byte ${start}`;
    }
    const nameEnd = i++;
    while (i < end && isOws(bytes[i]!)) i++;
    let valueEnd = end;
    while (valueEnd > i && isOws(bytes[valueEnd - 1]!)) valueEnd--;
    for (let j = i; j < valueEnd; j++) {
      const c = bytes[j]!;
      // RFC 7230 §3.2: field-vchar / SP / HTAB only; NUL, CR, LF and other CTLs are rejected.
      if (!isFieldChar(c))
        return `invalid character 0x${c.toString(16)} in a header value at byte ${j}`;
      if (c > 0x7f) this.#asciiOnly = false;
    }
    this.steps += end - start;
    if (this.#fields.length === this.maxHeaders * 4) return '431';
    this.#fields.push(start, nameEnd, i, valueEnd);
    return undefined;
  }
}

/** The parser behind `parseRequestHead` / `parseResponseHead`, with a work counter for tests. */
export function parseHead(
  kind: Kind,
  bytes: Uint8Array,
  limits: HeadLimits | undefined,
  meter: ScanMeter | undefined,
): HeadResult<ParsedRequestHead | ParsedResponseHead> {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('bytes must be a Uint8Array');
  const scanner = new HeadScanner(kind, limits, bytes);
  scanner.length = bytes.length;
  const result = scanner.scan();
  if (meter !== undefined) meter.steps += scanner.steps;
  return result;
}

/**
 * Reads an HTTP/1.1 request head from the bytes received so far (strict RFC 7230: CRLF line ends, no
 * obs-fold, token names, no CTL in values). `incomplete` asks for more bytes; an `error` carries the
 * status to answer (400, or 431 past `maxHeaders` / `maxHeaderBytes`, decided without reading past
 * the limit). For a stream of chunks, `HeadReader` avoids rescanning what was already read.
 */
export function parseRequestHead(
  bytes: Uint8Array,
  limits?: HeadLimits,
): HeadResult<ParsedRequestHead> {
  return parseHead('request', bytes, limits, undefined) as HeadResult<ParsedRequestHead>;
}

/** Reads an HTTP/1.1 response head (status line and headers); see `parseRequestHead`. */
export function parseResponseHead(
  bytes: Uint8Array,
  limits?: HeadLimits,
): HeadResult<ParsedResponseHead> {
  return parseHead('response', bytes, limits, undefined) as HeadResult<ParsedResponseHead>;
}

/** The head type a `HeadReader` of kind `K` produces. */
export type HeadOf<K extends 'request' | 'response'> = K extends 'request'
  ? ParsedRequestHead
  : ParsedResponseHead;

export type HeadReaderResult<H> =
  | { state: 'incomplete' }
  | {
      state: 'complete';
      head: H;
      consumed: number;
      /** The bytes of the last chunk after the head: the start of the WebSocket stream. */
      rest: Uint8Array;
    }
  | HeadError;

/**
 * Reads a head from a stream of chunks: `push` each chunk until the result is `complete` or `error`.
 * It keeps at most `maxHeaderBytes` bytes and resumes where the previous chunk stopped.
 */
export class HeadReader<K extends 'request' | 'response'> {
  readonly #scanner: HeadScanner;
  #finished = false;

  /** `kind` is `'request'` (a server reading a client) or `'response'` (a client reading a server). */
  constructor(kind: K, limits?: HeadLimits) {
    if (kind !== 'request' && kind !== 'response') {
      throw new TypeError(`kind must be 'request' or 'response', got ${JSON.stringify(kind)}`);
    }
    this.#scanner = new HeadScanner(kind, limits, new Uint8Array(0));
  }

  push(chunk: Uint8Array): HeadReaderResult<HeadOf<K>> {
    if (!(chunk instanceof Uint8Array)) throw new TypeError('chunk must be a Uint8Array');
    if (this.#finished)
      throw new TypeError('HeadReader already returned a complete head or an error');
    const scanner = this.#scanner;
    const before = scanner.length;
    const take = Math.min(chunk.length, scanner.maxHeaderBytes - before);
    if (before + take > scanner.bytes.length) {
      let capacity = Math.max(scanner.bytes.length * 2, 1024);
      while (capacity < before + take) capacity *= 2;
      const grown = new Uint8Array(Math.min(capacity, scanner.maxHeaderBytes));
      grown.set(scanner.bytes.subarray(0, before));
      scanner.bytes = grown;
    }
    scanner.bytes.set(chunk.subarray(0, take), before);
    scanner.length = before + take;
    const result = scanner.scan() as HeadResult<HeadOf<K>>;
    if (result.state === 'incomplete') return result;
    this.#finished = true;
    if (result.state === 'error') return result;
    return { ...result, rest: chunk.subarray(result.consumed - before) };
  }
}
