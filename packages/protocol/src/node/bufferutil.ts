/// <reference types="node" />
import { createRequire } from 'node:module';
import { keyBytes, unmaskCopy } from '../unmask-copy.js';

interface Bufferutil {
  unmask(data: Uint8Array, mask: Uint8Array): void;
  mask(
    source: Uint8Array,
    mask: Uint8Array,
    output: Uint8Array,
    offset: number,
    length: number,
  ): void;
}

/**
 * From this length up bufferutil's native unmask beats @ws/frame's WebAssembly SIMD kernel:
 * measured here (Node 20, medians of 9 interleaved rounds) 1 KiB 76 vs 74 ns, 2 KiB 91 vs 99 ns,
 * 4 KiB 133 vs 255 ns, 64 KiB 2.1 vs 3.8 µs; below 1 KiB the native call costs more than it saves.
 */
export const BUFFERUTIL_MIN = 2048;

/** undefined until first asked for; null when not installed (or disabled). */
let native: Bufferutil | null | undefined;

/**
 * The optional peer dependency `bufferutil`, loaded on first use (ESM and CJS alike), or null.
 * `WS_NO_BUFFER_UTIL` set in the environment disables it, as it does for `ws`.
 */
export function loadBufferutil(): Bufferutil | null {
  if (native === undefined) {
    native = null;
    if (!process.env.WS_NO_BUFFER_UTIL) {
      try {
        // import.meta.url in both builds: tsup's `shims` rewrites it for the CJS one.
        const module = createRequire(import.meta.url)('bufferutil') as Partial<Bufferutil>;
        if (typeof module.unmask === 'function' && typeof module.mask === 'function') {
          native = module as Bufferutil;
        }
      } catch {
        // Not installed, or its native build failed: @ws/frame's kernels do the work.
      }
    }
  }
  return native;
}

/**
 * A FrameDecoder unmask hook over bufferutil (see FrameDecoderOptions.unmask): takes pieces of
 * BUFFERUTIL_MIN bytes or more and leaves smaller ones to @ws/frame.
 */
export function nativeUnmask(data: Uint8Array, key: number, phase: number): boolean {
  if (data.length < BUFFERUTIL_MIN || native == null) return false;
  native.unmask(data, keyBytes(key, phase));
  return true;
}

/**
 * A Protocol `unmaskCopy` hook: `target[offset + i] = source[i] ^ key byte (phase + i) & 3`,
 * through bufferutil's one-pass native copy from BUFFERUTIL_MIN bytes, the core's default
 * (@ws/frame's maskCopy) below that.
 */
export function nativeUnmaskCopy(
  source: Uint8Array,
  target: Uint8Array,
  offset: number,
  key: number,
  phase: number,
): void {
  if (source.length < BUFFERUTIL_MIN || native == null) {
    unmaskCopy(source, target, offset, key, phase);
  } else native.mask(source, keyBytes(key, phase), target, offset, source.length);
}
