import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** `ws`'s `PerMessageDeflate` (lib/permessage-deflate.js; not in its package exports). */
export interface WsPerMessageDeflate {
  accept(offers: Record<string, unknown[]>[]): Record<string, unknown>;
  compress(
    data: Buffer,
    fin: boolean,
    callback: (error: Error | null, result?: Buffer) => void,
  ): void;
  decompress(
    data: Buffer,
    fin: boolean,
    callback: (error: Error | null, result?: Buffer) => void,
  ): void;
  cleanup(): void;
}

type WsPerMessageDeflateClass = new (
  options: Record<string, unknown>,
  isServer: boolean,
  maxPayload: number,
) => WsPerMessageDeflate;

const require = createRequire(import.meta.url);

export function loadWsPerMessageDeflate(): WsPerMessageDeflateClass {
  return require(
    `${dirname(require.resolve('ws/package.json'))}/lib/permessage-deflate.js`,
  ) as WsPerMessageDeflateClass;
}

/**
 * A server-side `ws` extension as after a handshake: context takeover in both directions, or
 * (RFC 7692 §7.1.1) `server_no_context_takeover; client_no_context_takeover` offered and accepted.
 */
export function wsServerDeflate(contextTakeover: boolean): WsPerMessageDeflate {
  const Class = loadWsPerMessageDeflate();
  const extension = new Class({}, true, 64 * 1024 * 1024);
  extension.accept(
    contextTakeover
      ? [{}]
      : [{ server_no_context_takeover: [true], client_no_context_takeover: [true] }],
  );
  return extension;
}

export function wsCompress(extension: WsPerMessageDeflate, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    extension.compress(data, true, (error, result) => (error ? reject(error) : resolve(result!))),
  );
}

export function wsDecompress(extension: WsPerMessageDeflate, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    extension.decompress(data, true, (error, result) => (error ? reject(error) : resolve(result!))),
  );
}
