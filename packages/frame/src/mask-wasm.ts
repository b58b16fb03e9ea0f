/**
 * A WebAssembly SIMD kernel for RFC 6455 §5.3 masking: XOR 16-byte lanes (`v128.xor`) with the
 * 4-byte key splatted across a v128, 64 bytes per loop iteration.
 *
 * WebAssembly can only touch its own memory, so each piece of the payload is copied into the
 * module's memory, XORed there and copied back. Measured here (Node 20, 2 shared cores,
 * interleaved medians): the XOR alone runs at ~85 GB/s and the two copies bring it down to
 * ~24 GB/s, still 2.4× the best plain 32-bit JS loop at 64 KiB and 1 MiB. It works in 16 KiB
 * pieces because 16 KiB measured fastest at 1 MiB (4 KiB: −37 %, 8 KiB: −10 %, 32 KiB: −31 %,
 * the whole 64 KiB page: −34 %): a piece and its copies stay in the L1/L2 caches.
 *
 * The module is written by hand (no toolchain). Its text form:
 *
 * ```wat
 * (module
 *   (memory (export "memory") 1)
 *   (func (export "xor") (param $len i32) (param $key i32)
 *     (local $p i32) (local $k v128)
 *     (local.set $k (i32x4.splat (local.get $key)))
 *     (block $done
 *       (loop $next
 *         (br_if $done (i32.ge_u (local.get $p) (local.get $len)))
 *         (v128.store offset=0  (local.get $p) (v128.xor (v128.load offset=0  (local.get $p)) (local.get $k)))
 *         (v128.store offset=16 (local.get $p) (v128.xor (v128.load offset=16 (local.get $p)) (local.get $k)))
 *         (v128.store offset=32 (local.get $p) (v128.xor (v128.load offset=32 (local.get $p)) (local.get $k)))
 *         (v128.store offset=48 (local.get $p) (v128.xor (v128.load offset=48 (local.get $p)) (local.get $k)))
 *         (local.set $p (i32.add (local.get $p) (i32.const 64)))
 *         (br $next))))
 * ```
 *
 * `xor(len, key)` XORs bytes [0, len rounded up to 64) of its memory. The bytes past `len` are
 * scratch that is never copied out, so callers need no padding: only `len` bytes go in and out.
 */

/** Bytes XORed per call into the module; a multiple of 64 (and so of 4, which keeps the key phase). */
export const SIMD_CHUNK = 16_384;

/** Lengths below this get a cached view of the scratch memory. */
const SMALL_VIEWS = 512;

const XOR_BODY = [
  ...[0x02, 0x01, 0x7f, 0x01, 0x7b], // locals: $p i32, $k v128
  ...[0x20, 0x01, 0xfd, 0x11, 0x21, 0x03], // $k = i32x4.splat($key)
  ...[0x02, 0x40, 0x03, 0x40], // block, loop
  ...[0x20, 0x02, 0x20, 0x00, 0x4f, 0x0d, 0x01], // br_if 1 ($p >= $len)
  ...[0x00, 0x10, 0x20, 0x30].flatMap((offset) => [
    ...[0x20, 0x02, 0x20, 0x02], // $p (store address), $p (load address)
    ...[0xfd, 0x00, 0x04, offset], // v128.load align=16 offset
    ...[0x20, 0x03, 0xfd, 0x51], // v128.xor $k
    ...[0xfd, 0x0b, 0x04, offset], // v128.store align=16 offset
  ]),
  ...[0x20, 0x02, 0x41, 0xc0, 0x00, 0x6a, 0x21, 0x02], // $p += 64
  ...[0x0c, 0x00, 0x0b, 0x0b, 0x0b], // br 0, end loop, end block, end func
];

const MODULE_BYTES = [
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
  ...[0x01, 0x06, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x00], // type section: (func (param i32 i32))
  ...[0x03, 0x02, 0x01, 0x00], // function section: func 0 has type 0
  ...[0x05, 0x03, 0x01, 0x00, 0x01], // memory section: 1 page, no maximum
  ...[0x07, 0x10, 0x02], // export section, 2 exports:
  ...[0x06, 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79, 0x02, 0x00], // "memory" → memory 0
  ...[0x03, 0x78, 0x6f, 0x72, 0x00, 0x00], // "xor" → func 0
  ...[0x0a, XOR_BODY.length + 2, 0x01, XOR_BODY.length, ...XOR_BODY], // code section
];

/** The SIMD kernel: XOR with a 4-byte key packed little-endian (wasm memory is always little-endian). */
export interface SimdKernel {
  /** `data[i] ^= keyBytes[i & 3]` in place. */
  maskInPlace(data: Uint8Array, keyLE: number): void;
  /** `target[targetOffset + i] = source[i] ^ keyBytes[i & 3]`; source and target may overlap. */
  maskInto(source: Uint8Array, target: Uint8Array, targetOffset: number, keyLE: number): void;
}

/**
 * Compiles the kernel, or returns null where WebAssembly or its SIMD proposal is missing, or
 * where compiling is forbidden (a Content-Security-Policy without 'wasm-unsafe-eval').
 */
export function createSimdKernel(): SimdKernel | null {
  if (typeof WebAssembly !== 'object') return null;
  try {
    const bytes = new Uint8Array(MODULE_BYTES);
    // Engines without SIMD reject v128 at validation; a 146-byte module compiles synchronously.
    if (!WebAssembly.validate(bytes)) return null;
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes));
    const xor = exports.xor as (len: number, key: number) => void;
    // The memory never grows, so its buffer (and these views) stay valid.
    const memory = (exports.memory as WebAssembly.Memory).buffer;
    const scratch = new Uint8Array(memory);
    const chunkOut = new Uint8Array(memory, 0, SIMD_CHUNK);
    // Views of the first n scratch bytes for small n, made on first use: creating one per call
    // measured ~15–20 ns, a third of the whole call at 64–128 bytes.
    const smallOut: Uint8Array[] = [];
    const scratchOut = (n: number): Uint8Array => {
      if (n >= SMALL_VIEWS) return new Uint8Array(memory, 0, n);
      let view = smallOut[n];
      if (view === undefined) view = smallOut[n] = new Uint8Array(memory, 0, n);
      return view;
    };
    const maskInPlace = (data: Uint8Array, keyLE: number): void => {
      const n = data.length;
      if (n <= SIMD_CHUNK) {
        scratch.set(data);
        xor(n, keyLE);
        data.set(scratchOut(n));
        return;
      }
      // `new Uint8Array(buffer, …)` measured ~40 ns cheaper per call than `subarray`.
      const buffer = data.buffer;
      const base = data.byteOffset;
      let start = 0;
      for (; start + SIMD_CHUNK <= n; start += SIMD_CHUNK) {
        const part = new Uint8Array(buffer, base + start, SIMD_CHUNK);
        scratch.set(part);
        xor(SIMD_CHUNK, keyLE);
        part.set(chunkOut);
      }
      if (start < n) {
        const part = new Uint8Array(buffer, base + start, n - start);
        scratch.set(part);
        xor(n - start, keyLE);
        part.set(scratchOut(n - start));
      }
    };
    const maskInto = (
      source: Uint8Array,
      target: Uint8Array,
      targetOffset: number,
      keyLE: number,
    ): void => {
      const n = source.length;
      // All of source is read into scratch before target is written, so overlap is harmless, and
      // this path reads no `.buffer`: on a small typed array V8 keeps on its heap, that
      // materialises an ArrayBuffer (measured ~0.7–1 µs per fresh array).
      if (n <= SIMD_CHUNK) {
        scratch.set(source);
        xor(n, keyLE);
        target.set(scratchOut(n), targetOffset);
        return;
      }
      const buffer = source.buffer;
      if (buffer === target.buffer) {
        // Piece by piece, writing target could overwrite source bytes not read yet.
        const out = target.subarray(targetOffset, targetOffset + n);
        out.set(source);
        maskInPlace(out, keyLE);
        return;
      }
      const base = source.byteOffset;
      for (let start = 0; start < n; start += SIMD_CHUNK) {
        const length = Math.min(n - start, SIMD_CHUNK);
        scratch.set(new Uint8Array(buffer, base + start, length));
        xor(length, keyLE);
        target.set(length === SIMD_CHUNK ? chunkOut : scratchOut(length), targetOffset + start);
      }
    };
    return { maskInPlace, maskInto };
  } catch {
    return null;
  }
}
