/** Default number of zlib operations running at once in the process (as in `ws`). */
export const DEFAULT_CONCURRENCY = 10;

/**
 * A counting semaphore for zlib work. node:zlib runs each operation on libuv's thread pool
 * (4 threads by default), and every pending one holds its input and output buffers, so a
 * flood of compressed messages on many connections is queued here instead of piling up there.
 */
export class Limiter {
  #limit: number;
  #active = 0;
  #waiting: (() => void)[] = [];

  constructor(limit = DEFAULT_CONCURRENCY) {
    this.#limit = checkLimit(limit);
  }

  get limit(): number {
    return this.#limit;
  }

  set limit(value: number) {
    this.#limit = checkLimit(value);
    this.#next();
  }

  /** Operations running now. */
  get active(): number {
    return this.#active;
  }

  /** Operations waiting for a slot. */
  get pending(): number {
    return this.#waiting.length;
  }

  /** Runs `job` when a slot is free; the slot is released when its promise settles. */
  run<T>(job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.#active++;
        let result: Promise<T>;
        try {
          result = job();
        } catch (error) {
          result = Promise.reject(error);
        }
        result.then(resolve, reject).finally(() => {
          this.#active--;
          this.#next();
        });
      };
      if (this.#active < this.#limit) start();
      else this.#waiting.push(start);
    });
  }

  #next(): void {
    while (this.#active < this.#limit && this.#waiting.length > 0) this.#waiting.shift()!();
  }
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`concurrency limit must be a positive integer, got ${String(limit)}`);
  }
  return limit;
}

let shared: Limiter | undefined;

/** The process-wide limiter every connection uses unless given its own. */
export function sharedLimiter(): Limiter {
  shared ??= new Limiter();
  return shared;
}

/** Sets the process-wide limit on concurrent zlib operations (default 10). */
export function setConcurrencyLimit(limit: number): void {
  sharedLimiter().limit = limit;
}
