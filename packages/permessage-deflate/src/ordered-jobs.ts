import {
  type ConnectionError,
  type ExtensionMessage,
  type MaybePromise,
  ProtocolError,
} from '@ws/protocol';
import { RSV1 } from './constants.js';
import type { InflateResult } from './inflate-result.js';
import { Limiter } from './limiter.js';

/**
 * One direction's (de)compressions on one connection: run one at a time, in order, each
 * through the limiter. Order matters: with context takeover a message may use the window the
 * previous one left (RFC 7692 §7.2.2), and one at a time means a flood of small bombs cannot
 * hold many limits' worth of output at once.
 */
export class OrderedJobs {
  #tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly limiter: Limiter) {}

  run<T>(job: () => Promise<T>): Promise<T> {
    const next = this.#tail.then(() => this.limiter.run(job));
    this.#tail = next.catch(ignore);
    return next;
  }
}

function ignore(): void {}

/** RFC 7692 §6.1: a compressed message goes out with RSV1 set, the rest as it was. */
export function compressed(message: ExtensionMessage, payload: Uint8Array): ExtensionMessage {
  return { opcode: message.opcode, payload, rsv: message.rsv | RSV1 };
}

/**
 * RFC 7692 §6.2: `Extension.decode` for either inflater. A message without RSV1 passes as it is;
 * one with it is inflated in order on `jobs`, bounded by `maxMessageSize`.
 */
export function inflateInOrder(
  jobs: OrderedJobs,
  inflater: { inflate(payload: Uint8Array, maxSize: number): Promise<InflateResult> },
  message: ExtensionMessage,
  limits: { maxMessageSize: number },
): MaybePromise<Uint8Array | ConnectionError> {
  if ((message.rsv & RSV1) === 0) return message.payload;
  return jobs
    .run(() => inflater.inflate(message.payload, limits.maxMessageSize))
    .then(decodedOrError);
}

/**
 * RFC 7692 §6.2: what `Extension.decode` returns for an inflate result: the message's bytes,
 * 1009 past `maxMessageSize`, or 1007 for data that is not valid DEFLATE.
 */
function decodedOrError(result: InflateResult): Uint8Array | ConnectionError {
  if (result.ok) return result.data;
  return new ProtocolError(
    result.kind === 'too-large' ? 'message-too-large' : 'extension-failed',
    result.message,
  );
}

/** Throws TypeError / RangeError (caller misuse) for a threshold or limiter that is not valid. */
export function checkQueueOptions(threshold: unknown, limiter: unknown): void {
  if (threshold !== undefined && (!Number.isInteger(threshold) || (threshold as number) < 0)) {
    throw new RangeError(`threshold must be a non-negative integer, got ${String(threshold)}`);
  }
  if (limiter !== undefined && !(limiter instanceof Limiter)) {
    throw new TypeError('limiter must be a Limiter');
  }
}
