/** RFC 6455 §5.7 example frames, byte for byte. */
export const hex = (s: string) =>
  Uint8Array.from(s.match(/[0-9a-f]{2}/gi) ?? [], (b) => Number.parseInt(b, 16));
export const text = (s: string) => new TextEncoder().encode(s);
export const KEY = hex('37fa213d');

export const rfcVectors = {
  unmaskedHello: hex('810548656c6c6f'),
  maskedHello: hex('818537fa213d7f9f4d5158'),
  fragmentHel: hex('010348656c'),
  fragmentLo: hex('80026c6f'),
  unmaskedPing: hex('890548656c6c6f'),
  maskedPong: hex('8a8537fa213d7f9f4d5158'),
  binary256Header: hex('827e0100'),
  binary64KiBHeader: hex('827f0000000000010000'),
};

/** A slow, obviously correct RFC 6455 §5.2 encoder: the reference for property tests. */
export function referenceEncode(
  frame: {
    fin: boolean;
    rsv1: boolean;
    rsv2: boolean;
    rsv3: boolean;
    opcode: number;
    payload: Uint8Array;
  },
  key?: Uint8Array,
): Uint8Array {
  const out: number[] = [];
  out.push(
    (frame.fin ? 128 : 0) +
      (frame.rsv1 ? 64 : 0) +
      (frame.rsv2 ? 32 : 0) +
      (frame.rsv3 ? 16 : 0) +
      frame.opcode,
  );
  const n = frame.payload.length;
  const m = key ? 128 : 0;
  if (n < 126) out.push(m + n);
  else if (n < 65536) out.push(m + 126, Math.floor(n / 256), n % 256);
  else {
    out.push(m + 127);
    for (let i = 7; i >= 0; i--) out.push(Math.floor(n / 2 ** (8 * i)) % 256);
  }
  if (key) out.push(key[0]!, key[1]!, key[2]!, key[3]!);
  for (let i = 0; i < n; i++) out.push(key ? frame.payload[i]! ^ key[i % 4]! : frame.payload[i]!);
  return Uint8Array.from(out);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
