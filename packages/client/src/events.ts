/** WHATWG `CloseEventInit`. */
export interface CloseEventInit extends EventInit {
  wasClean?: boolean;
  code?: number;
  reason?: string;
}

/** The WHATWG `CloseEvent` (Node 20 has no global one): how a WebSocket connection ended. */
export class CloseEvent extends Event {
  readonly wasClean: boolean;
  readonly code: number;
  readonly reason: string;

  constructor(type: string, init: CloseEventInit = {}) {
    super(type, init);
    this.wasClean = init.wasClean ?? false;
    this.code = init.code ?? 0;
    this.reason = init.reason ?? '';
  }
}

/** WHATWG `ErrorEventInit` (the parts that apply here). */
export interface ErrorEventInit extends EventInit {
  message?: string;
  error?: unknown;
}

/**
 * The 'error' event of a WebSocket. Browsers fire a plain Event; this one also says why
 * (`error` is the HandshakeError or protocol error), which browser code simply ignores.
 */
export class ErrorEvent extends Event {
  readonly message: string;
  readonly error: unknown;

  constructor(type: string, init: ErrorEventInit = {}) {
    super(type, init);
    this.message = init.message ?? '';
    this.error = init.error;
  }
}
