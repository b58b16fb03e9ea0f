import { trimOws } from './chars.js';

/**
 * Request or response headers in any of the shapes a caller has at hand; names are matched
 * case-insensitively whatever the shape:
 * - a record (Node's `IncomingMessage.headers`: lowercased names, duplicates joined by ', ');
 * - an array of `[name, value]` pairs, one per header line (what `parseRequestHead` returns);
 * - a flat `[name, value, name, value, …]` array (Node's `rawHeaders`).
 */
export type HeaderInput =
  | Readonly<Record<string, string | readonly string[] | undefined>>
  | ReadonlyArray<readonly [string, string]>
  | readonly string[];

/** The values of the wanted headers (each joined by ', ' across lines) and how many lines carried each. */
export interface CollectedHeaders {
  readonly values: (string | undefined)[];
  readonly counts: number[];
}

/**
 * One pass over `headers`, keeping the headers named in `names` (lowercase). RFC 7230 §3.2.2: several
 * lines of a list header are equivalent to one line with the values joined by commas.
 */
export function collectHeaders(headers: HeaderInput, names: readonly string[]): CollectedHeaders {
  const collected: CollectedHeaders = {
    values: new Array(names.length).fill(undefined),
    counts: new Array(names.length).fill(0),
  };
  if (Array.isArray(headers)) {
    const list = headers as ReadonlyArray<unknown>;
    if (list.length > 0 && typeof list[0] === 'string') {
      const flat = list as readonly string[];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        add(collected, names, String(flat[i]), String(flat[i + 1]));
      }
    } else {
      for (const pair of list as ReadonlyArray<readonly [string, string]>) {
        add(collected, names, String(pair[0]), String(pair[1]));
      }
    }
  } else {
    const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
    for (const name of Object.keys(record)) {
      const value = record[name];
      if (value === undefined) continue;
      if (typeof value === 'string') add(collected, names, name, value);
      else for (const item of value) add(collected, names, name, String(item));
    }
  }
  return collected;
}

function add(
  collected: CollectedHeaders,
  names: readonly string[],
  name: string,
  value: string,
): void {
  const index = names.indexOf(name.toLowerCase());
  if (index === -1) return;
  const trimmed = trimOws(value);
  const previous = collected.values[index];
  collected.values[index] = previous === undefined ? trimmed : `${previous}, ${trimmed}`;
  collected.counts[index]!++;
}
