/// <reference types="node" />
import type { IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import type { ParsedRequestHead } from '@ws/handshake';

/**
 * What the server reads from an upgrade request. Node's `http.IncomingMessage` fits as is; the
 * standalone server, which reads request heads itself, hands out a lighter object of this shape.
 */
export interface UpgradeRequest {
  method?: string | undefined;
  url?: string | undefined;
  /** `major.minor`, e.g. "1.1". */
  httpVersion: string;
  /** Lowercased names; repeated headers joined by ', ' (set-cookie as an array). */
  headers: IncomingHttpHeaders;
  /** `[name, value, name, value, …]` as received. */
  rawHeaders: string[];
  socket: Socket;
}

/** The request of a standalone server: built from the head it parsed, `headers` made on first use. */
export class RawUpgradeRequest implements UpgradeRequest {
  readonly method: string;
  readonly url: string;
  readonly httpVersion: string;
  readonly socket: Socket;
  /** One `[name, value]` pair per header line, as parsed. */
  readonly pairs: [string, string][];
  private record: IncomingHttpHeaders | undefined = undefined;
  private flat: string[] | undefined = undefined;

  constructor(head: ParsedRequestHead, socket: Socket) {
    this.method = head.method;
    this.url = head.url;
    this.httpVersion = head.httpVersion;
    this.pairs = head.headers;
    this.socket = socket;
  }

  get headers(): IncomingHttpHeaders {
    if (this.record !== undefined) return this.record;
    const record: Record<string, string | string[]> = Object.create(null);
    for (const [rawName, value] of this.pairs) {
      const name = rawName.toLowerCase();
      const previous = record[name];
      if (name === 'set-cookie') {
        if (previous === undefined) record[name] = [value];
        else (previous as string[]).push(value);
      } else record[name] = previous === undefined ? value : `${previous as string}, ${value}`;
    }
    this.record = record as IncomingHttpHeaders;
    return this.record;
  }

  get rawHeaders(): string[] {
    if (this.flat !== undefined) return this.flat;
    const flat: string[] = [];
    for (const [name, value] of this.pairs) flat.push(name, value);
    this.flat = flat;
    return flat;
  }
}

/** The path part of a request target (before `?`). */
export function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * Header lines and bytes of a request Node already parsed, to hold it to the same limits as a
 * head read from a raw socket. Node's parser keeps at most `maxHeadersCount` lines (2000 by
 * default) and drops the rest silently, so a request at that count may have lost headers.
 */
export function headerSize(rawHeaders: readonly string[]): { count: number; bytes: number } {
  let bytes = 0;
  // name + ": " + value + CRLF per line.
  for (let i = 0; i < rawHeaders.length; i++) bytes += rawHeaders[i]!.length + 2;
  return { count: rawHeaders.length >> 1, bytes };
}
