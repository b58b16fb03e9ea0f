/**
 * Loads our packages by their public names (through their built `dist`), checking that the
 * exports a section needs exist. A package still being written yields a reason instead of a
 * crash, and the section reports itself "not available yet".
 *
 * The interfaces restate the agreed API so this file compiles whatever state a package is in.
 */

export type Loaded<T> = { ok: true; api: T } | { ok: false; reason: string };

export interface Sha1Api {
  sha1(data: Uint8Array | string): Uint8Array;
  sha1Hex(data: Uint8Array | string): string;
  Sha1: new () => { update(data: Uint8Array | string): unknown; digest(): Uint8Array };
}

export interface Base64Api {
  encode(bytes: Uint8Array, options?: { url?: boolean; pad?: boolean }): string;
  decode(text: string, options?: { url?: boolean }): Uint8Array;
  encodePure(bytes: Uint8Array, options?: { url?: boolean; pad?: boolean }): string;
  decodePure(text: string, options?: { url?: boolean }): Uint8Array;
}

export interface OurFrame {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  payload: Uint8Array;
}

export interface OurFrameError extends Error {
  kind: string;
  closeCode: number;
  fatal: boolean;
}

export interface FrameInit {
  opcode: number;
  payload: Uint8Array;
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
}

export interface EncodeOptions {
  mask?: boolean | Uint8Array;
  maskInPlace?: boolean;
}

export interface FrameHandler {
  onFrame(frame: OurFrame): void;
  onError(error: OurFrameError): void;
  /** Streaming mode: a data frame's header, then its payload in pieces. */
  onFrameStart?(header: { payloadLength: number }): void;
  onFrameData?(data: Uint8Array, last: boolean): void;
}

export interface FrameDecoderLike {
  push(chunk: Uint8Array): void;
  stop(): void;
  readonly bufferedBytes: number;
  readonly stopped: boolean;
}

export interface FrameCodecApi {
  encodeFrame(frame: FrameInit, options?: EncodeOptions): Uint8Array;
  encodeFrameParts(frame: FrameInit, options?: EncodeOptions): [Uint8Array, Uint8Array];
  FrameDecoder: new (
    options: {
      role: 'server' | 'client';
      maxPayloadLength?: number;
      /** Added with the frame-perf work; older builds ignore it (the driver checks). */
      allocate?: (length: number) => Uint8Array;
      /** Data frame payloads in pieces through onFrameStart/onFrameData. */
      streaming?: boolean;
    },
    handler: FrameHandler,
  ) => FrameDecoderLike;
  writeHeader(
    target: Uint8Array,
    offset: number,
    fields: { fin: boolean; rsv1: boolean; rsv2: boolean; rsv3: boolean; opcode: number },
    payloadLength: number,
    maskKey?: Uint8Array,
  ): number;
  decodeFrames(
    bytes: Uint8Array,
    options: { role: 'server' | 'client' },
  ): OurFrame[] | OurFrameError;
}

export interface MaskApi {
  mask(data: Uint8Array, key: Uint8Array, phase?: number): void;
  unmask(data: Uint8Array, key: Uint8Array, phase?: number): void;
  maskCopy(
    source: Uint8Array,
    target: Uint8Array,
    targetOffset: number,
    key: Uint8Array,
    phase?: number,
  ): void;
}

export interface Utf8Api {
  isValidUtf8(bytes: Uint8Array): boolean;
  Utf8Validator: new (options?: {
    isUtf8?: (bytes: Uint8Array) => boolean;
  }) => {
    push(bytes: Uint8Array): number;
    end(): boolean;
    reset(): void;
  };
}

const importers: Record<string, () => Promise<unknown>> = {
  '@ws/sha1': () => import('@ws/sha1'),
  '@ws/base64': () => import('@ws/base64'),
  '@ws/frame': () => import('@ws/frame'),
};

/** Imports `specifier` and returns it when every name in `required` is a function. */
export async function loadPackage<T>(
  specifier: '@ws/sha1' | '@ws/base64' | '@ws/frame',
  required: readonly (keyof T & string)[],
): Promise<Loaded<T>> {
  let module: Record<string, unknown>;
  try {
    module = (await importers[specifier]!()) as Record<string, unknown>;
  } catch (error) {
    return { ok: false, reason: `${specifier} does not load: ${(error as Error).message}` };
  }
  const missing = required.filter((name) => typeof module[name] !== 'function');
  if (missing.length > 0) {
    return { ok: false, reason: `${specifier} does not export ${missing.join(', ')} yet` };
  }
  return { ok: true, api: module as T };
}

export const loadSha1 = () => loadPackage<Sha1Api>('@ws/sha1', ['sha1', 'sha1Hex', 'Sha1']);
export const loadBase64 = () =>
  loadPackage<Base64Api>('@ws/base64', ['encode', 'decode', 'encodePure', 'decodePure']);
export const loadFrameCodec = () =>
  loadPackage<FrameCodecApi>('@ws/frame', [
    'encodeFrame',
    'encodeFrameParts',
    'FrameDecoder',
    'decodeFrames',
    'writeHeader',
  ]);
export const loadMask = () => loadPackage<MaskApi>('@ws/frame', ['mask', 'unmask', 'maskCopy']);
export const loadUtf8 = () => loadPackage<Utf8Api>('@ws/frame', ['isValidUtf8', 'Utf8Validator']);
