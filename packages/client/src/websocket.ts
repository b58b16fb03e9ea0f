import type { CloseMessage, Message } from '@ws/protocol';
import type { ClientConnection } from './client-connection.js';
import { openConnection } from './connect.js';
import type { HandshakeError } from './errors.js';
import { CloseEvent, ErrorEvent } from './events.js';
import type { ClientHandshake } from './handshake.js';
import type { ConnectOptions } from './options.js';
import { hasControlCharacter } from './url.js';

/** What `new WebSocket(url, protocols, options)` takes beyond the standard arguments. */
export type WebSocketOptions = Omit<ConnectOptions, 'protocols'>;

export type BinaryType = 'blob' | 'arraybuffer';

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** RFC 7230 §3.2.6 token: what a subprotocol name must be (RFC 6455 §4.1 item 10). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The events a WebSocket dispatches, by type. */
export interface WebSocketEventMap {
  open: Event;
  message: MessageEvent;
  error: ErrorEvent;
  close: CloseEvent;
}

type Handler<E extends Event = Event> = ((this: WebSocket, event: E) => unknown) | null;

interface HandlerSlot {
  value: Handler<never>;
  listener: ((event: Event) => void) | null;
}

/** Sends waiting behind a Blob that is still being read, so that order is kept. */
type Queued =
  | { kind: 'text'; data: string }
  | { kind: 'binary'; data: Uint8Array }
  | { kind: 'blob'; data: Blob };

function noop(): void {}

function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** WebIDL `[Clamp] unsigned short`. */
function clampUnsignedShort(value: unknown): number {
  const n = Number(value);
  if (Number.isNaN(n)) return 0;
  const clamped = Math.min(Math.max(n, 0), 65535);
  const floor = Math.floor(clamped);
  const fraction = clamped - floor;
  // Round half to even, as WebIDL says.
  if (fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1)) return floor + 1;
  return floor;
}

function syntaxError(message: string): DOMException {
  return new DOMException(message, 'SyntaxError');
}

/** The WHATWG URL steps of `new WebSocket(url)`: http(s) become ws(s); no fragment. */
function parseUrl(url: string | URL): URL {
  const text = String(url);
  // The URL parser would silently drop CR, LF and TAB; a URL holding them is refused instead.
  if (hasControlCharacter(text))
    throw syntaxError(`the URL holds a control character: ${JSON.stringify(text)}`);
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw syntaxError(`not a valid URL: ${text}`);
  }
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw syntaxError(
      `a WebSocket URL must use ws:, wss:, http: or https:, got ${parsed.protocol}`,
    );
  }
  if (parsed.hash !== '' || parsed.href.endsWith('#')) {
    throw syntaxError('a WebSocket URL must not have a fragment');
  }
  return parsed;
}

function protocolList(protocols: string | readonly string[] | undefined): string[] {
  if (protocols === undefined) return [];
  const list = typeof protocols === 'string' ? [protocols] : Array.from(protocols, String);
  const seen = new Set<string>();
  for (const protocol of list) {
    if (!TOKEN.test(protocol))
      throw syntaxError(`subprotocol ${JSON.stringify(protocol)} is not a token`);
    if (seen.has(protocol))
      throw syntaxError(`subprotocol ${JSON.stringify(protocol)} is given twice`);
    seen.add(protocol);
  }
  return list;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const buffer = bytes.buffer;
  // A message is usually a view into a larger read buffer; the caller must get only its bytes.
  if (
    bytes.byteOffset === 0 &&
    bytes.byteLength === buffer.byteLength &&
    buffer instanceof ArrayBuffer
  ) {
    return buffer;
  }
  return bytes.slice().buffer as ArrayBuffer;
}

function binaryPayload(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * The WHATWG `WebSocket` interface for Node: code written for the browser runs unchanged.
 * `new WebSocket(url, protocols?, options?)` — `options` adds what a browser decides by itself
 * (headers, origin, TLS, timeouts, limits; see `connect()`). Events are dispatched in the
 * standard's order: open, then messages, then (error and) close.
 */
export class WebSocket extends EventTarget {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;
  declare readonly CONNECTING: typeof CONNECTING;
  declare readonly OPEN: typeof OPEN;
  declare readonly CLOSING: typeof CLOSING;
  declare readonly CLOSED: typeof CLOSED;

  readonly #url: string;
  readonly #origin: string;
  #state: number = CONNECTING;
  /** close() was called, or the handshake was given up: no more messages are delivered. */
  #closing = false;
  /** The server's Close was read, after every message before it was dispatched. */
  #closeSeen = false;
  #finalClose: CloseMessage | null = null;
  #failed = false;
  #failure: unknown;
  #handshake: ClientHandshake | undefined;
  #connection: ClientConnection | null = null;
  #protocol = '';
  #extensions = '';
  #binaryType: BinaryType = 'blob';
  #buffered = 0;
  #batch: Promise<void> | null = null;
  #batchBytes: { bytes: number } = { bytes: 0 };
  #queue: Queued[] | null = null;
  readonly #handlers: Record<string, HandlerSlot> = Object.create(null);

  #dispatchMessage(message: Message): void {
    if (this.#closing) return;
    let data: string | ArrayBuffer | Blob;
    if (message.type === 'text') data = message.data;
    else if (this.#binaryType === 'arraybuffer') data = toArrayBuffer(message.data);
    else data = new Blob([message.data as Uint8Array<ArrayBuffer>]);
    this.dispatchEvent(new MessageEvent('message', { data, origin: this.#origin }));
  }

  /**
   * Reads the connection in order: messages, error values, then the server's Close. Reading
   * through receive() rather than 'message' events keeps readyState OPEN for every message that
   * came before the Close, even when all of them arrived in one read with the 101.
   */
  async #read(connection: ClientConnection): Promise<void> {
    for (;;) {
      const result = await connection.receive();
      if (result instanceof Error) {
        this.#failed = true;
        this.#failure = result;
      } else if (result.type === 'close') {
        this.#closeSeen = true;
        if (this.#finalClose !== null) this.#closed(this.#finalClose);
        return;
      } else this.#dispatchMessage(result);
    }
  }

  /** The connection's end; the close event waits until every message before it was dispatched. */
  readonly #onClose = (close: CloseMessage): void => {
    this.#finalClose = close;
    if (this.#closeSeen) this.#closed(close);
  };

  #closed(close: CloseMessage): void {
    // RFC 6455 §7.1.5: a connection we failed received no Close frame, so its close code is 1006.
    if (this.#failed) this.#finish(1006, '', false);
    else this.#finish(close.code, close.reason, close.wasClean);
  }

  constructor(
    url: string | URL,
    protocols?:
      | string
      | readonly string[]
      | (WebSocketOptions & { protocols?: string | readonly string[] }),
    options?: WebSocketOptions,
  ) {
    super();
    if (url === undefined) throw new TypeError('WebSocket: the url argument is required');
    const parsed = parseUrl(url);
    let connectOptions: ConnectOptions | undefined = options;
    let offered: string | readonly string[] | undefined;
    if (protocols !== null && typeof protocols === 'object' && !Array.isArray(protocols)) {
      // undici's form: new WebSocket(url, { protocols, headers, … }).
      const { protocols: inner, ...rest } = protocols as WebSocketOptions & {
        protocols?: string | readonly string[];
      };
      offered = inner;
      connectOptions = { ...rest, ...options };
    } else {
      offered = protocols as string | readonly string[] | undefined;
    }
    const list = protocolList(offered);
    this.#url = parsed.href;
    this.#origin = parsed.origin;
    this.#handshake = openConnection(
      parsed,
      { ...connectOptions, protocols: list },
      (error, connection) => this.#opened(error, connection),
    );
  }

  override addEventListener<K extends keyof WebSocketEventMap>(
    type: K,
    listener: (this: WebSocket, event: WebSocketEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  override addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void {
    super.addEventListener(type, listener, options);
  }

  override removeEventListener<K extends keyof WebSocketEventMap>(
    type: K,
    listener: (this: WebSocket, event: WebSocketEventMap[K]) => unknown,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  override removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void {
    super.removeEventListener(type, listener, options);
  }

  get url(): string {
    return this.#url;
  }

  get readyState(): number {
    if (this.#state === CONNECTING && this.#closing) return CLOSING;
    if (this.#state === OPEN && (this.#closing || this.#closeSeen)) return CLOSING;

    return this.#state;
  }

  /** Bytes of application data passed to send() and not yet handed to the operating system. */
  get bufferedAmount(): number {
    return this.#buffered;
  }

  /** The subprotocol the server chose, or ''. */
  get protocol(): string {
    return this.#protocol;
  }

  /** The extensions in force, as the server listed them, or ''. */
  get extensions(): string {
    return this.#extensions;
  }

  get binaryType(): BinaryType {
    return this.#binaryType;
  }

  set binaryType(value: BinaryType) {
    // WebIDL enumeration attribute: a value outside the enumeration is ignored.
    if (value === 'blob' || value === 'arraybuffer') this.#binaryType = value;
  }

  get onopen(): Handler<Event> {
    return this.#getHandler('open');
  }
  set onopen(value: Handler<Event>) {
    this.#setHandler('open', value);
  }
  get onmessage(): Handler<MessageEvent> {
    return this.#getHandler('message');
  }
  set onmessage(value: Handler<MessageEvent>) {
    this.#setHandler('message', value);
  }
  get onerror(): Handler<ErrorEvent> {
    return this.#getHandler('error');
  }
  set onerror(value: Handler<ErrorEvent>) {
    this.#setHandler('error', value);
  }
  get onclose(): Handler<CloseEvent> {
    return this.#getHandler('close');
  }
  set onclose(value: Handler<CloseEvent>) {
    this.#setHandler('close', value);
  }

  /**
   * Sends a message: a string as text, binary data (copied at once) or a Blob (read first, order
   * kept). Throws InvalidStateError while connecting; after close() the data is dropped and only
   * counted in bufferedAmount, as the standard says.
   */
  send(data: string | ArrayBuffer | ArrayBufferView | Blob): void {
    if (data === undefined) throw new TypeError('WebSocket.send: the data argument is required');
    if (this.#state === CONNECTING) {
      throw new DOMException('WebSocket.send: the connection is not open yet', 'InvalidStateError');
    }
    if (typeof data === 'string') {
      this.#send({ kind: 'text', data }, utf8Length(data));
    } else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
      const bytes = binaryPayload(data);
      this.#send({ kind: 'binary', data: bytes }, bytes.byteLength);
    } else if (data instanceof Blob) {
      this.#send({ kind: 'blob', data }, data.size);
    } else {
      // WebIDL: anything else is converted to a string.
      const text = String(data);
      this.#send({ kind: 'text', data: text }, utf8Length(text));
    }
  }

  /**
   * Starts the closing handshake. `code` must be 1000 or 3000–4999 (else InvalidAccessError);
   * `reason` at most 123 UTF-8 bytes (else SyntaxError). While connecting, the handshake is
   * given up (error and close events follow).
   */
  close(code?: number, reason?: string): void {
    let closeCode: number | undefined;
    if (code !== undefined) {
      closeCode = clampUnsignedShort(code);
      if (closeCode !== 1000 && !(closeCode >= 3000 && closeCode <= 4999)) {
        throw new DOMException(
          `WebSocket.close: the code must be 1000 or in 3000–4999, got ${closeCode}`,
          'InvalidAccessError',
        );
      }
    }
    let closeReason = '';
    if (reason !== undefined) {
      closeReason = String(reason);
      if (utf8Length(closeReason) > 123) {
        throw syntaxError('WebSocket.close: the reason must be at most 123 UTF-8 bytes');
      }
    }
    const state = this.readyState;
    if (state === CLOSING || state === CLOSED) return;
    this.#closing = true;
    if (state === CONNECTING) {
      // The error and close events are dispatched later, as tasks, never inside close().
      const handshake = this.#handshake;
      queueMicrotask(() =>
        handshake?.abort(new DOMException('WebSocket.close() while connecting', 'AbortError')),
      );
      return;
    }
    this.#connection!.close(
      closeCode ?? (closeReason === '' ? undefined : 1000),
      closeReason,
    ).catch(noop);
  }

  #opened(error: HandshakeError | undefined, connection: ClientConnection | undefined): void {
    this.#handshake = undefined;
    if (connection === undefined) {
      this.#failed = true;
      this.#failure = error;
      this.#finish(1006, '', false);
      return;
    }
    this.#connection = connection;
    this.#state = OPEN;
    this.#protocol = connection.subprotocol ?? '';
    this.#extensions = connection.response.headers
      .filter(([name]) => name.toLowerCase() === 'sec-websocket-extensions')
      .map(([, value]) => value)
      .join(', ');
    connection.on('close', this.#onClose);
    this.dispatchEvent(new Event('open'));
    // After 'open': messages that came with the 101 response wait in the connection until here.
    void this.#read(connection);
  }

  #finish(code: number, reason: string, wasClean: boolean): void {
    if (this.#state === CLOSED) return;
    this.#state = CLOSED;
    if (this.#failed) {
      const failure = this.#failure as { message?: string } | undefined;
      this.dispatchEvent(
        new ErrorEvent('error', { message: failure?.message ?? '', error: failure }),
      );
    }
    this.dispatchEvent(new CloseEvent('close', { wasClean, code, reason }));
  }

  #send(item: Queued, size: number): void {
    this.#buffered += size;
    if (this.readyState !== OPEN) return;
    if (this.#queue === null && item.kind !== 'blob') {
      this.#write(item, size);
      return;
    }
    // Behind a Blob being read: the caller may change its buffer meanwhile, so keep a copy.
    if (item.kind === 'binary') item.data = item.data.slice();
    this.#enqueue(item);
  }

  #write(item: Queued, size: number): void {
    const connection = this.#connection!;
    const written =
      item.kind === 'text'
        ? connection.sendText(item.data)
        : connection.sendBinary(item.data as Uint8Array);
    // Sends of one tick share one write and one promise: one callback per batch, not per send.
    if (written !== this.#batch) {
      this.#batch = written;
      const batch = { bytes: 0 };
      this.#batchBytes = batch;
      written.then(() => {
        this.#buffered -= batch.bytes;
      }, noop);
    }
    this.#batchBytes.bytes += size;
  }

  #enqueue(item: Queued): void {
    if (this.#queue === null) {
      this.#queue = [item];
      void this.#drainQueue();
    } else this.#queue.push(item);
  }

  async #drainQueue(): Promise<void> {
    const queue = this.#queue!;
    while (queue.length > 0) {
      const item = queue[0]!;
      let ready: Queued = item;
      if (item.kind === 'blob') {
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(await item.data.arrayBuffer());
        } catch (error) {
          // A Blob that cannot be read fails the connection, as in browsers.
          this.#failed = true;
          this.#failure = error;
          this.#connection?.close(1011, '').catch(noop);
          this.#queue = null;
          return;
        }
        ready = { kind: 'binary', data: bytes };
      }
      queue.shift();
      if (this.readyState !== OPEN) continue;
      this.#write(
        ready,
        ready.kind === 'text' ? utf8Length(ready.data) : (ready.data as Uint8Array).byteLength,
      );
    }
    this.#queue = null;
  }

  #getHandler<E extends Event>(type: string): Handler<E> {
    return (this.#handlers[type]?.value ?? null) as Handler<E>;
  }

  #setHandler<E extends Event>(type: string, value: Handler<E>): void {
    let slot = this.#handlers[type];
    if (slot === undefined) slot = this.#handlers[type] = { value: null, listener: null };
    if (typeof value !== 'function') {
      // HTML: setting null (or a non-callable) removes the handler's listener.
      if (slot.listener !== null) this.removeEventListener(type, slot.listener);
      slot.value = null;
      slot.listener = null;
      return;
    }
    slot.value = value as Handler<never>;
    // HTML: the listener is added when the handler is first set and keeps its place after that.
    if (slot.listener === null) {
      const current = slot;
      slot.listener = (event: Event) => {
        (current.value as Handler)?.call(this, event);
      };
      this.addEventListener(type, slot.listener);
    }
  }
}

for (const [name, value] of [
  ['CONNECTING', CONNECTING],
  ['OPEN', OPEN],
  ['CLOSING', CLOSING],
  ['CLOSED', CLOSED],
] as const) {
  Object.defineProperty(WebSocket.prototype, name, { value, enumerable: true });
}
