/** What inflating one message gives: its bytes, or why not (1009 / 1007 once mapped to a close). */
export type InflateResult =
  | { ok: true; data: Uint8Array }
  | { ok: false; kind: 'too-large'; message: string; inflated: number }
  | { ok: false; kind: 'corrupt'; message: string };
