/** The smallest buffer allocated for a fragmented message. */
const MIN_CAPACITY = 1024;

/**
 * One growing buffer for a message being reassembled from pieces. Pieces are copied in, so no
 * piece (and no chunk it is a view of) is retained: a flood of tiny fragments or tiny reads
 * costs the bytes they carry, not an object each. Memory is accounted by `capacity`.
 */
export class MessageBuffer {
  private buffer: Uint8Array | null = null;
  length = 0;

  get capacity(): number {
    return this.buffer === null ? 0 : this.buffer.length;
  }

  /**
   * The capacity needed to take `extra` more bytes: exactly that for a message whose size is
   * known (a single frame), else doubling (at least MIN_CAPACITY) but never past `limit`.
   * Returns the current capacity when the bytes already fit.
   */
  capacityFor(extra: number, exact: boolean, limit: number): number {
    const need = this.length + extra;
    const capacity = this.capacity;
    if (need <= capacity) return capacity;
    if (exact) return need;
    return Math.max(need, Math.min(limit, Math.max(capacity * 2, MIN_CAPACITY)));
  }

  /**
   * Grows to `capacity` (from capacityFor), keeping the bytes so far. `allocate`, when given,
   * may return uninitialized memory: only pass it when every byte will be written before the
   * buffer is handed out (a single frame of known length), never for a doubling capacity
   * whose slack would be visible through `data.buffer`.
   */
  grow(capacity: number, allocate?: (size: number) => Uint8Array): void {
    if (capacity <= this.capacity) return;
    const next = allocate === undefined ? new Uint8Array(capacity) : allocate(capacity);
    if (this.buffer !== null && this.length > 0) next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }

  append(piece: Uint8Array): void {
    this.buffer!.set(piece, this.length);
    this.length += piece.length;
  }

  /** Appends `piece` unmasked (§5.3) by `unmaskCopy` in the same pass as the copy. */
  appendUnmasking(
    piece: Uint8Array,
    unmaskCopy: (
      source: Uint8Array,
      target: Uint8Array,
      offset: number,
      key: number,
      phase: number,
    ) => void,
    key: number,
    phase: number,
  ): void {
    unmaskCopy(piece, this.buffer!, this.length, key, phase);
    this.length += piece.length;
  }

  /** The bytes so far, handed over; the buffer starts empty again. */
  take(): Uint8Array {
    const bytes = this.buffer === null ? new Uint8Array(0) : this.buffer.subarray(0, this.length);
    this.buffer = null;
    this.length = 0;
    return bytes;
  }

  reset(): void {
    this.buffer = null;
    this.length = 0;
  }
}
