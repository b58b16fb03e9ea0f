import type { Socket } from 'node:net';
import {
  type ExtensionOffer,
  type HeadLimits,
  HeadReader,
  type HeadReaderResult,
  type ParsedResponseHead,
  parseResponseHead,
  validateResponse,
} from '@ws/handshake';
import { type CloseTimerEntry, cancelClose, scheduleClose } from '@ws/protocol';
import { HandshakeError } from './errors.js';
import { type SocketPhase, socketErrorKind } from './socket.js';

/** What a successful opening handshake leaves: the response, and the bytes read past it. */
export interface HandshakeOutcome {
  head: ParsedResponseHead;
  /** Bytes after the head in the last chunk: the start of the WebSocket stream. */
  rest: Uint8Array;
  protocol: string | undefined;
  extensions: ExtensionOffer[];
}

export interface HandshakeSettings {
  /** The request bytes from `buildRequest`. */
  request: Uint8Array;
  /** The `Sec-WebSocket-Key` inside the request. */
  key: string;
  protocols: readonly string[];
  /** The names of the extensions offered in the request (none when absent). */
  extensions?: readonly string[] | undefined;
  headLimits: HeadLimits;
  /** Milliseconds; Infinity for none. */
  timeout: number;
  signal: AbortSignal | undefined;
  secure: boolean;
}

/** Called exactly once: with an error, or with the outcome while the socket is still untouched. */
export type HandshakeCallback = (
  error: HandshakeError | undefined,
  outcome: HandshakeOutcome | undefined,
) => void;

function noop(): void {}

/**
 * The opening handshake over a raw socket (RFC 6455 §4.1): writes the request, reads the
 * response head under the header limits, validates it, and hands over the socket with the bytes
 * that followed the head. Every failure — DNS, TCP, TLS, a bad answer, the timeout, an abort —
 * ends in one HandshakeError and a destroyed socket; nothing is thrown.
 */
export class ClientHandshake {
  readonly #socket: Socket;
  readonly #settings: HandshakeSettings;
  /** Created only when the head does not arrive in one chunk. */
  #reader: HeadReader<'response'> | undefined;
  readonly #callback: HandshakeCallback;
  #phase: SocketPhase;
  #timer: CloseTimerEntry | undefined;
  #settled = false;

  readonly #onData = (chunk: Buffer): void => this.#data(chunk);
  readonly #onConnect = (): void => {
    this.#phase = this.#settings.secure ? 'tls' : 'http';
  };
  readonly #onSecureConnect = (): void => {
    this.#phase = 'http';
  };
  readonly #onError = (error: Error): void => {
    const kind = socketErrorKind(error, this.#phase);
    this.#fail(
      new HandshakeError(kind, `${kind.toUpperCase()} error: ${error.message}`, { cause: error }),
    );
  };
  readonly #onEnd = (): void => {
    this.#fail(
      new HandshakeError(
        'closed',
        'the server closed the connection before answering the handshake',
      ),
    );
  };
  readonly #onAbort = (): void => {
    const reason = this.#settings.signal?.reason;
    this.abort(reason);
  };

  constructor(socket: Socket, settings: HandshakeSettings, callback: HandshakeCallback) {
    this.#socket = socket;
    this.#settings = settings;
    this.#callback = callback;
    this.#phase = socket.connecting ? 'connecting' : 'http';
    // The phase only tells a TLS failure from a TCP one; ws:// needs no listener for it.
    if (settings.secure) {
      socket.on('connect', this.#onConnect);
      socket.on('secureConnect', this.#onSecureConnect);
    }
    socket.on('data', this.#onData);
    socket.on('error', this.#onError);
    socket.on('end', this.#onEnd);
    socket.on('close', this.#onEnd);
    settings.signal?.addEventListener('abort', this.#onAbort);
    if (settings.timeout !== Number.POSITIVE_INFINITY) {
      // One shared timer for every pending handshake, not one setTimeout per socket.
      this.#timer = scheduleClose(settings.timeout, () => {
        this.#fail(
          new HandshakeError(
            'timeout',
            `no valid handshake response within ${settings.timeout} ms`,
          ),
        );
      });
    }
    if (socket.destroyed) {
      queueMicrotask(this.#onEnd);
      return;
    }
    // net.Socket queues this until the TCP (and TLS) connection is up.
    socket.write(settings.request);
  }

  /** Gives up: the socket is destroyed and the callback gets an 'aborted' HandshakeError. */
  abort(reason?: unknown): void {
    this.#fail(
      new HandshakeError('aborted', 'the opening handshake was aborted', {
        cause: reason,
      }),
    );
  }

  #data(chunk: Buffer): void {
    if (this.#settled) return;
    const result = this.#read(chunk);
    if (result.state === 'incomplete') return;
    if (result.state === 'error') {
      this.#fail(
        result.status === 431
          ? new HandshakeError(
              'headers-too-large',
              `the response head is too large: ${result.reason}`,
            )
          : new HandshakeError(
              'invalid-response',
              `the response is not valid HTTP/1.1: ${result.reason}`,
            ),
      );
      return;
    }
    const head = result.head;
    const settings = this.#settings;
    // RFC 6455 §4.1: "the client MUST validate the server's response"; a 3xx is reported with its
    // Location, never followed.
    const checked = validateResponse(
      { status: head.status, headers: head.headers },
      { key: settings.key, protocols: settings.protocols, extensions: settings.extensions },
    );
    if (!checked.ok) {
      const failure = checked.error;
      this.#fail(
        new HandshakeError(failure.kind, failure.message, {
          status: head.status,
          headers: head.headers,
          location: failure.kind === 'redirect' ? failure.location : undefined,
        }),
      );
      return;
    }
    this.#detach();
    this.#callback(undefined, {
      head,
      rest: result.rest,
      protocol: checked.protocol,
      extensions: checked.extensions,
    });
  }

  /**
   * The head from the chunks so far. The whole head nearly always comes in the first chunk: it is
   * parsed in place there (measured 1.9 µs against 6 µs through a HeadReader, which copies).
   */
  #read(chunk: Buffer): HeadReaderResult<ParsedResponseHead> {
    if (this.#reader === undefined) {
      const result = parseResponseHead(chunk, this.#settings.headLimits);
      if (result.state === 'complete') return { ...result, rest: chunk.subarray(result.consumed) };
      if (result.state === 'error') return result;
      this.#reader = new HeadReader('response', this.#settings.headLimits);
    }
    return this.#reader.push(chunk);
  }

  #detach(): void {
    this.#settled = true;
    const socket = this.#socket;
    if (this.#settings.secure) {
      socket.removeListener('connect', this.#onConnect);
      socket.removeListener('secureConnect', this.#onSecureConnect);
    }
    socket.removeListener('data', this.#onData);
    socket.removeListener('error', this.#onError);
    socket.removeListener('end', this.#onEnd);
    socket.removeListener('close', this.#onEnd);
    this.#settings.signal?.removeEventListener('abort', this.#onAbort);
    cancelClose(this.#timer);
  }

  #fail(error: HandshakeError): void {
    if (this.#settled) return;
    this.#detach();
    // Errors after the failure (a late ECONNRESET) have nowhere to go and must not crash.
    this.#socket.on('error', noop);
    this.#socket.destroy();
    this.#callback(error, undefined);
  }
}
