/** One plain Uint8Array (a view, not a copy, of the only chunk when there is one). */
export function join(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) {
    const only = chunks[0]!;
    return new Uint8Array(only.buffer, only.byteOffset, only.length);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}
