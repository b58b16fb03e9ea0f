import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * Two instances of ws in one process: one with bufferutil (its native mask/unmask), one
 * without. ws picks its masking code once, when `lib/buffer-util.js` loads, from the
 * environment variable WS_NO_BUFFER_UTIL. So we load ws's modules, drop them from the CommonJS
 * cache, set the variable, and load them again: the second load is a separate copy of ws that
 * uses its JavaScript loops. Both copies live in this process, so their rounds interleave with
 * ours on the same heap and JIT, which a child process could not give.
 */

export interface WsSenderFrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  maskBuffer?: Buffer;
  generateMask?: (mask: Buffer) => void;
}

export interface WsReceiver {
  write(chunk: Buffer): boolean;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}

export interface WsInstance {
  label: string;
  /** True when this copy's unmask is bufferutil's native code (for buffers ≥ 32 bytes). */
  native: boolean;
  Sender: { frame(data: Buffer, options: WsSenderFrameOptions): Buffer[] };
  Receiver: new (options: {
    isServer: boolean;
    maxPayload?: number;
    binaryType?: string;
    allowSynchronousEvents?: boolean;
  }) => WsReceiver;
  bufferUtil: {
    mask(source: Buffer, mask: Buffer, output: Buffer, offset: number, length: number): void;
    unmask(buffer: Buffer, mask: Buffer): void;
  };
}

export interface WsInstances {
  version: string;
  withBufferutil: WsInstance;
  withoutBufferutil: WsInstance;
  /** bufferutil itself, for the unmask workload. */
  bufferutil: { unmask(buffer: Buffer, mask: Buffer): void; native: boolean };
}

const require = createRequire(import.meta.url);

function dropWsFromCache(libDir: string): void {
  for (const key of Object.keys(require.cache))
    if (key.startsWith(libDir)) delete require.cache[key];
}

function loadCopy(label: string, libDir: string): WsInstance {
  const bufferUtil = require(`${libDir}/buffer-util.js`) as WsInstance['bufferUtil'];
  return {
    label,
    native: (bufferUtil.unmask as { name: string }).name !== '_unmask',
    Sender: require(`${libDir}/sender.js`) as WsInstance['Sender'],
    Receiver: require(`${libDir}/receiver.js`) as WsInstance['Receiver'],
    bufferUtil,
  };
}

let cached: WsInstances | undefined;

export function loadWs(): WsInstances {
  if (cached !== undefined) return cached;
  const libDir = `${dirname(require.resolve('ws/package.json'))}/lib`;
  const previous = process.env.WS_NO_BUFFER_UTIL;
  dropWsFromCache(libDir);
  process.env.WS_NO_BUFFER_UTIL = '1';
  let withoutBufferutil: WsInstance;
  try {
    withoutBufferutil = loadCopy('ws (no bufferutil)', libDir);
  } finally {
    if (previous === undefined) delete process.env.WS_NO_BUFFER_UTIL;
    else process.env.WS_NO_BUFFER_UTIL = previous;
  }
  dropWsFromCache(libDir);
  const withBufferutil = loadCopy('ws', libDir);
  const bufferutil = require('bufferutil') as WsInstances['bufferutil'];
  cached = {
    version: (require('ws/package.json') as { version: string }).version,
    withBufferutil,
    withoutBufferutil,
    bufferutil: {
      unmask: bufferutil.unmask,
      native:
        !/fallback/.test(require.resolve('bufferutil')) &&
        String(bufferutil.unmask).includes('[native code]'),
    },
  };
  return cached;
}
