/**
 * Compresses one message as an independent raw DEFLATE stream with `CompressionStream`
 * (RFC 7692 §7.2.1), for a direction where no context takeover was agreed: every message starts
 * with an empty window, so a fresh stream per message is exactly what the receiver expects.
 *
 * `CompressionStream` has no sync flush: the stream it produces ends with a block that has BFINAL
 * set, not with an empty stored block. §7.2.1 then says to "append an empty DEFLATE block with no
 * compression to the tail end" and "remove 4 octets (that are 0x00 0x00 0xff 0xff)", which leaves
 * the stream followed by the one octet 0x00 — the form of the §7.2.3.4 example
 * (`f3 48 cd c9 c9 07 00 00` for "Hello").
 */
export async function deflateMessage(payload: Uint8Array): Promise<Uint8Array> {
  const stream = new CompressionStream('deflate-raw');
  const writer = stream.writable.getWriter();
  writer.write(payload as Uint8Array<ArrayBuffer>).catch(ignore);
  writer.close().catch(ignore);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.length;
  }
  // One octet more than the stream: the empty stored block's header (BFINAL 0, BTYPE 00, padding).
  const out = new Uint8Array(total + 1);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function ignore(): void {}
