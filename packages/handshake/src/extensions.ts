import {
  BACKSLASH,
  COMMA,
  DQUOTE,
  EQUALS,
  isOws,
  isQdtext,
  isQuotedPairChar,
  isTchar,
  isToken,
  SEMICOLON,
} from './chars.js';
import {
  type ListLimits,
  resolveLimits,
  type ScanMeter,
  type ScanResult,
  scanError,
} from './scan.js';

/** One extension parameter: `name` or `name=value`. */
export interface ExtensionParam {
  name: string;
  /** The value after unquoting, or `undefined` for a parameter without `=`. */
  value: string | undefined;
}

/** One element of `Sec-WebSocket-Extensions`: an extension name and its parameters, in order. */
export interface ExtensionOffer {
  name: string;
  params: ExtensionParam[];
}

export type ExtensionsResult =
  | { ok: true; extensions: ExtensionOffer[] }
  | { ok: false; reason: string };

/**
 * Parses a `Sec-WebSocket-Extensions` value (RFC 6455 §9.1):
 * `1#( token *( ";" token [ "=" ( token / quoted-string ) ] ) )` with optional whitespace around the
 * separators. A quoted value must unquote to a token (RFC 6455 §9.1: "MUST conform to the 'token'
 * ABNF"). Returns an error value for anything malformed, empty or over the limits: this is peer input.
 */
export function parseExtensions(value: string, limits?: ListLimits): ExtensionsResult {
  const result = scanExtensions(value, limits);
  return result.ok ? { ok: true, extensions: result.value } : result;
}

/**
 * The scanner behind `parseExtensions`: one left-to-right pass, every loop advancing the position, so
 * the work is linear in the value's length (the DoS bugs elsewhere were backtracking regexes here).
 */
export function scanExtensions(
  value: string,
  limits?: ListLimits,
  meter?: ScanMeter,
): ScanResult<ExtensionOffer[]> {
  const { maxHeaderValueLength, maxListItems } = resolveLimits(limits);
  const n = value.length;
  if (n > maxHeaderValueLength) {
    return scanError(`Sec-WebSocket-Extensions is longer than ${maxHeaderValueLength} characters`);
  }
  const extensions: ExtensionOffer[] = [];
  let steps = 0;
  let i = 0;
  const invalidAt = (what: string): ScanResult<ExtensionOffer[]> => {
    if (meter !== undefined) meter.steps += steps;
    return scanError(`Sec-WebSocket-Extensions: expected ${what} at position ${i}`);
  };
  while (i < n) {
    steps++;
    const first = value.charCodeAt(i);
    if (isOws(first) || first === COMMA) {
      i++;
      continue;
    }
    let start = i;
    while (i < n && isTchar(value.charCodeAt(i))) {
      steps++;
      i++;
    }
    if (i === start) return invalidAt('an extension name');
    const offer: ExtensionOffer = { name: value.slice(start, i), params: [] };
    if (extensions.length === maxListItems) {
      if (meter !== undefined) meter.steps += steps;
      return scanError(`Sec-WebSocket-Extensions has more than ${maxListItems} extensions`);
    }
    extensions.push(offer);
    while (i < n && isOws(value.charCodeAt(i))) {
      steps++;
      i++;
    }
    while (i < n && value.charCodeAt(i) === SEMICOLON) {
      steps++;
      i++;
      while (i < n && isOws(value.charCodeAt(i))) {
        steps++;
        i++;
      }
      start = i;
      while (i < n && isTchar(value.charCodeAt(i))) {
        steps++;
        i++;
      }
      if (i === start) return invalidAt('a parameter name');
      const param: ExtensionParam = { name: value.slice(start, i), value: undefined };
      while (i < n && isOws(value.charCodeAt(i))) {
        steps++;
        i++;
      }
      if (i < n && value.charCodeAt(i) === EQUALS) {
        i++;
        while (i < n && isOws(value.charCodeAt(i))) {
          steps++;
          i++;
        }
        if (i < n && value.charCodeAt(i) === DQUOTE) {
          i++;
          let unquoted = '';
          let run = i;
          let closed = false;
          while (i < n) {
            steps++;
            const c = value.charCodeAt(i);
            if (c === DQUOTE) {
              closed = true;
              break;
            }
            if (c === BACKSLASH) {
              if (i + 1 >= n || !isQuotedPairChar(value.charCodeAt(i + 1))) {
                return invalidAt('an escaped character');
              }
              unquoted += value.slice(run, i);
              run = i + 1;
              i += 2;
            } else if (isQdtext(c)) {
              i++;
            } else {
              return invalidAt('a quoted-string character');
            }
          }
          if (!closed) return invalidAt('a closing quote');
          unquoted += value.slice(run, i);
          i++;
          // RFC 6455 §9.1: a quoted value, once unescaped, MUST conform to the token ABNF.
          if (!isToken(unquoted)) return invalidAt('a token inside the quoted parameter value');
          param.value = unquoted;
        } else {
          start = i;
          while (i < n && isTchar(value.charCodeAt(i))) {
            steps++;
            i++;
          }
          if (i === start) return invalidAt('a parameter value');
          param.value = value.slice(start, i);
        }
        while (i < n && isOws(value.charCodeAt(i))) {
          steps++;
          i++;
        }
      }
      if (offer.params.length === maxListItems) {
        if (meter !== undefined) meter.steps += steps;
        return scanError(
          `Sec-WebSocket-Extensions: ${offer.name} has more than ${maxListItems} parameters`,
        );
      }
      offer.params.push(param);
    }
    if (i < n && value.charCodeAt(i) !== COMMA) return invalidAt('"," or ";"');
  }
  if (meter !== undefined) meter.steps += steps;
  if (extensions.length === 0) return scanError('Sec-WebSocket-Extensions is empty');
  return { ok: true, value: extensions };
}

/**
 * Formats extension offers (or a server's accepted extensions) for `Sec-WebSocket-Extensions`:
 * `name; param; param=value, name2`. Throws TypeError unless names and values are tokens (RFC 6455
 * §9.1); an empty list gives ''.
 */
export function formatExtensions(extensions: readonly ExtensionOffer[]): string {
  let out = '';
  for (const extension of extensions) {
    if (typeof extension?.name !== 'string' || !isToken(extension.name)) {
      throw new TypeError(`extension name must be a token, got ${JSON.stringify(extension?.name)}`);
    }
    if (out !== '') out += ', ';
    out += extension.name;
    for (const param of extension.params ?? []) {
      if (typeof param?.name !== 'string' || !isToken(param.name)) {
        throw new TypeError(
          `extension parameter name must be a token, got ${JSON.stringify(param?.name)}`,
        );
      }
      out += `; ${param.name}`;
      if (param.value === undefined) continue;
      if (typeof param.value !== 'string' || !isToken(param.value)) {
        throw new TypeError(
          `extension parameter value must be a token, got ${JSON.stringify(param.value)}`,
        );
      }
      out += `=${param.value}`;
    }
  }
  return out;
}
