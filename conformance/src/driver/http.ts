/** Minimal HTTP/1.1 head handling for the raw handshakes (RFC 6455 §4, RFC 7230 §3). */
import { createHash, randomBytes } from 'node:crypto';

export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface Head {
  /** Request: [method, target, version]; response: [version, status, reason]. */
  startLine: [string, string, string];
  /** Lower-cased names, every value in order of arrival. */
  headers: Map<string, string[]>;
  raw: string;
}

export function header(head: Head, name: string): string | undefined {
  const values = head.headers.get(name.toLowerCase());
  return values === undefined ? undefined : values.join(', ');
}

/** §4.2.2: base64(SHA-1(key + GUID)). */
export function acceptFor(key: string): string {
  return createHash('sha1')
    .update(key + WEBSOCKET_GUID)
    .digest('base64');
}

export function newKey(): string {
  return randomBytes(16).toString('base64');
}

/** Index just past the blank line ending the head, or -1. */
export function headEnd(bytes: Uint8Array): number {
  for (let i = 3; i < bytes.length; i++) {
    if (bytes[i] === 10 && bytes[i - 1] === 13 && bytes[i - 2] === 10 && bytes[i - 3] === 13) {
      return i + 1;
    }
  }
  return -1;
}

export function parseHead(bytes: Uint8Array): Head {
  const raw = new TextDecoder('latin1').decode(bytes);
  const lines = raw.split('\r\n');
  const first = lines.shift() ?? '';
  const a = first.indexOf(' ');
  const b = first.indexOf(' ', a + 1);
  const startLine: [string, string, string] =
    a < 0
      ? [first, '', '']
      : b < 0
        ? [first.slice(0, a), first.slice(a + 1), '']
        : [first.slice(0, a), first.slice(a + 1, b), first.slice(b + 1)];
  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const list = headers.get(name);
    if (list) list.push(value);
    else headers.set(name, [value]);
  }
  return { startLine, headers, raw };
}

export interface RequestInit {
  host: string;
  path: string;
  key: string;
  /** Header lines replacing the defaults of the same name; undefined drops a default. */
  headers?: Record<string, string | undefined>;
  /** Extra header lines appended as given (duplicates allowed). */
  extra?: readonly (readonly [string, string])[];
  method?: string;
  version?: string;
}

/** A client opening handshake (§4.1), with every part replaceable. */
export function buildRequest(init: RequestInit): string {
  const defaults: Record<string, string | undefined> = {
    Host: init.host,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': init.key,
    'Sec-WebSocket-Version': '13',
    ...init.headers,
  };
  let text = `${init.method ?? 'GET'} ${init.path} ${init.version ?? 'HTTP/1.1'}\r\n`;
  for (const [name, value] of Object.entries(defaults)) {
    if (value !== undefined) text += `${name}: ${value}\r\n`;
  }
  for (const [name, value] of init.extra ?? []) text += `${name}: ${value}\r\n`;
  return `${text}\r\n`;
}

/** A server's 101 answer (§4.2.2), with every part replaceable. */
export function buildResponse(
  key: string,
  headers: Record<string, string | undefined> = {},
  statusLine = 'HTTP/1.1 101 Switching Protocols',
): string {
  const all: Record<string, string | undefined> = {
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Accept': acceptFor(key),
    ...headers,
  };
  let text = `${statusLine}\r\n`;
  for (const [name, value] of Object.entries(all)) {
    if (value !== undefined) text += `${name}: ${value}\r\n`;
  }
  return `${text}\r\n`;
}
