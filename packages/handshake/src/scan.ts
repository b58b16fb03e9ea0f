/**
 * Work counter for the header scanners. Tests pass one in to check that the work grows linearly with
 * the input (no regex, no backtracking); the public functions pass none.
 */
export interface ScanMeter {
  steps: number;
}

/** Limits on untrusted list headers (`Sec-WebSocket-Protocol`, `Sec-WebSocket-Extensions`). */
export interface ListLimits {
  /** Longest header value accepted, in characters (after joining repeated lines). Default 4096. */
  maxHeaderValueLength?: number;
  /** Most items in one list: protocols, extension offers, and parameters of one offer. Default 32. */
  maxListItems?: number;
}

export const DEFAULT_MAX_HEADER_VALUE_LENGTH = 4096;
export const DEFAULT_MAX_LIST_ITEMS = 32;

export type ScanResult<T> = { ok: true; value: T } | { ok: false; reason: string };

export function scanError(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}

export function resolveLimits(limits: ListLimits | undefined): Required<ListLimits> {
  const maxHeaderValueLength = limits?.maxHeaderValueLength ?? DEFAULT_MAX_HEADER_VALUE_LENGTH;
  const maxListItems = limits?.maxListItems ?? DEFAULT_MAX_LIST_ITEMS;
  if (!Number.isSafeInteger(maxHeaderValueLength) || maxHeaderValueLength < 1) {
    throw new RangeError(
      `maxHeaderValueLength must be a positive integer, got ${String(maxHeaderValueLength)}`,
    );
  }
  if (!Number.isSafeInteger(maxListItems) || maxListItems < 1) {
    throw new RangeError(`maxListItems must be a positive integer, got ${String(maxListItems)}`);
  }
  return { maxHeaderValueLength, maxListItems };
}
