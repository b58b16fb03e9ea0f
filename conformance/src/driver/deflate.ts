/**
 * The driver's side of permessage-deflate (RFC 7692): its own reading of the 101's extension
 * answer, and raw DEFLATE through node:zlib for the messages it sends and receives. Independent
 * of @ws/permessage-deflate on purpose (see frames.ts): the harness must not share the code it
 * judges.
 */
import {
  constants,
  createDeflateRaw,
  createInflateRaw,
  type DeflateRaw,
  deflateRawSync,
} from 'node:zlib';
import { bytesOf, concat, type Payload } from './frames.js';

/** The parameters in force for one connection (§7.1); absent window sizes are 15. */
export interface Agreed {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits: number;
  clientMaxWindowBits: number;
}

export interface ExtensionItem {
  name: string;
  params: [string, string | undefined][];
}

/** `Sec-WebSocket-Extensions` (RFC 6455 §9.1): a list of tokens with `;` parameters. */
export function parseExtensions(value: string): ExtensionItem[] {
  const items: ExtensionItem[] = [];
  for (const element of value.split(',')) {
    const [name = '', ...params] = element.split(';').map((part) => part.trim());
    if (name === '') continue;
    items.push({
      name,
      params: params
        .filter((param) => param !== '')
        .map((param) => {
          const eq = param.indexOf('=');
          if (eq < 0) return [param, undefined];
          const raw = param.slice(eq + 1).trim();
          return [param.slice(0, eq).trim(), raw.replace(/^"(.*)"$/, '$1')];
        }),
    });
  }
  return items;
}

const BITS = /^(?:[89]|1[0-5])$/;

/** One permessage-deflate element's parameters, or why it is invalid (§7.1). */
function readParams(
  item: ExtensionItem,
): { ok: true; values: Map<string, string | undefined> } | { ok: false; reason: string } {
  const values = new Map<string, string | undefined>();
  for (const [name, value] of item.params) {
    // §7.1: "a permessage-deflate element MUST NOT have ... any parameter twice".
    if (values.has(name)) return { ok: false, reason: `${name} twice` };
    values.set(name, value);
    switch (name) {
      case 'server_no_context_takeover':
      case 'client_no_context_takeover':
        if (value !== undefined) return { ok: false, reason: `${name}=${value} (takes no value)` };
        break;
      case 'server_max_window_bits':
        if (value === undefined || !BITS.test(value)) {
          return { ok: false, reason: `${name}=${value ?? '(none)'}` };
        }
        break;
      case 'client_max_window_bits':
        if (value !== undefined && !BITS.test(value))
          return { ok: false, reason: `${name}=${value}` };
        break;
      default:
        return { ok: false, reason: `unknown parameter ${name}` };
    }
  }
  return { ok: true, values };
}

export type ResponseCheck = { ok: true; agreed: Agreed | null } | { ok: false; reason: string };

/**
 * The client's check of the server's answer (RFC 7692 §7.1, §5): at most one
 * permessage-deflate, only what was offered, every parameter within what some offer allowed.
 */
export function checkDeflateResponse(offer: string, response: string | undefined): ResponseCheck {
  const accepted = parseExtensions(response ?? '');
  if (accepted.length === 0) return { ok: true, agreed: null };
  const offered = parseExtensions(offer);
  for (const item of accepted) {
    if (!offered.some((o) => o.name === item.name)) {
      return { ok: false, reason: `accepted ${item.name}, which was not offered (§9.1)` };
    }
  }
  const deflates = accepted.filter((item) => item.name === 'permessage-deflate');
  if (deflates.length !== 1) {
    return { ok: false, reason: `${deflates.length} permessage-deflate elements in the answer` };
  }
  const answer = readParams(deflates[0]!);
  if (!answer.ok) return { ok: false, reason: `invalid answer: ${answer.reason} (§7.1)` };
  const got = answer.values;
  const serverBits = got.has('server_max_window_bits')
    ? Number(got.get('server_max_window_bits'))
    : 15;
  const clientBitsValue = got.get('client_max_window_bits');
  if (got.has('client_max_window_bits') && clientBitsValue === undefined) {
    return { ok: false, reason: 'client_max_window_bits without a value in the answer (§7.1.2.2)' };
  }
  const reasons: string[] = [];
  for (const item of offered.filter((o) => o.name === 'permessage-deflate')) {
    const params = readParams(item);
    if (!params.ok) continue;
    const asked = params.values;
    // §7.1.2.2: "If a received extension negotiation offer doesn't have the
    // client_max_window_bits extension parameter, the ... response ... MUST NOT include" it.
    if (got.has('client_max_window_bits') && !asked.has('client_max_window_bits')) {
      reasons.push('client_max_window_bits not offered');
      continue;
    }
    const askedClient = asked.get('client_max_window_bits');
    if (
      askedClient !== undefined &&
      clientBitsValue !== undefined &&
      Number(clientBitsValue) > Number(askedClient)
    ) {
      reasons.push(`client_max_window_bits=${clientBitsValue} above the offered ${askedClient}`);
      continue;
    }
    // §7.1.2.1: the server accepts server_max_window_bits "with the same or smaller value".
    const askedServer = asked.get('server_max_window_bits');
    if (askedServer !== undefined && serverBits > Number(askedServer)) {
      reasons.push(`server_max_window_bits=${serverBits} above the offered ${askedServer}`);
      continue;
    }
    // §7.1.1.1: the server MUST NOT omit server_no_context_takeover when it was offered.
    if (asked.has('server_no_context_takeover') && !got.has('server_no_context_takeover')) {
      reasons.push('server_no_context_takeover offered but not in the answer');
      continue;
    }
    return {
      ok: true,
      agreed: {
        serverNoContextTakeover: got.has('server_no_context_takeover'),
        clientNoContextTakeover: got.has('client_no_context_takeover'),
        serverMaxWindowBits: serverBits,
        clientMaxWindowBits: clientBitsValue === undefined ? 15 : Number(clientBitsValue),
      },
    };
  }
  return { ok: false, reason: `the answer fits no offer: ${reasons.join('; ')}` };
}

const TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff]);

/** How a compressed message ends on the wire (§7.2.1, §7.2.3.4). */
export type Ending =
  /** Z_SYNC_FLUSH, the 00 00 ff ff tail removed (what §7.2.1 says a sender does). */
  | 'strip'
  /**
   * The message ends with an empty stored block of its own: a second one is appended and only
   * its 4 octets removed (§7.2.1), so the payload ends 00 00 ff ff 00.
   */
  | 'empty-block'
  /** The DEFLATE stream is finished (BFINAL); the next message starts a new stream. */
  | 'bfinal';

function flush(stream: DeflateRaw, input: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    const onData = (chunk: Uint8Array) => chunks.push(chunk);
    const onError = (error: Error) => {
      stream.off('data', onData);
      reject(error);
    };
    stream.on('data', onData);
    stream.once('error', onError);
    stream.write(input);
    stream.flush(constants.Z_SYNC_FLUSH, () => {
      stream.off('data', onData);
      stream.off('error', onError);
      resolve(concat(chunks));
    });
  });
}

/** The driver's compressor for the messages it sends, honouring the agreed window and takeover. */
export class Compressor {
  private stream: DeflateRaw | undefined;

  constructor(
    private readonly windowBits: number,
    private readonly noContextTakeover: boolean,
  ) {}

  async compress(data: Payload, ending: Ending = 'strip'): Promise<Uint8Array> {
    const input = bytesOf(data);
    // node:zlib cannot make an 8-bit raw window; the driver only negotiates 9…15 for itself.
    const windowBits = Math.max(9, this.windowBits);
    if (ending === 'bfinal') {
      this.reset();
      return new Uint8Array(deflateRawSync(input, { windowBits }));
    }
    this.stream ??= createDeflateRaw({ windowBits });
    const out = await flush(this.stream, input);
    if (this.noContextTakeover) this.reset();
    // §7.2.1: "Remove 4 octets (that are 0x00 0x00 0xff 0xff) from the tail end."
    const hasTail = out.length >= 4 && TAIL.every((byte, i) => out[out.length - 4 + i] === byte);
    if (!hasTail) return out;
    // §7.2.1: "If the resulting data does not end with an empty DEFLATE block with no
    // compression ..., append an empty DEFLATE block with no compression to the tail end.
    // Remove 4 octets (that are 0x00 0x00 0xff 0xff) from the tail end."
    return ending === 'empty-block' ? concat([out, new Uint8Array([0])]) : out.subarray(0, -4);
  }

  reset(): void {
    this.stream?.close();
    this.stream = undefined;
  }
}

/**
 * The driver's decompressor for what the peer sends. It inflates with the agreed window (and
 * 64-byte output chunks, see below), so a peer that looks further back than it agreed to fails
 * here ("invalid distance too far back"), and with a fresh stream per message when the peer
 * agreed to no context takeover.
 */
export class Decompressor {
  private stream: ReturnType<typeof createInflateRaw> | undefined;

  constructor(
    private readonly windowBits: number,
    private readonly noContextTakeover: boolean,
  ) {}

  async inflate(payload: Uint8Array): Promise<Uint8Array> {
    // zlib checks a distance against the window only when it reaches past the output of the
    // current inflate() call; with 64-byte output chunks (zlib's minimum) any distance beyond
    // the agreed window plus 63 bytes is "invalid distance too far back". Measured: a 6000-byte
    // message with 700-byte repeats compressed with a 15-bit window inflates without error
    // under windowBits 9 with the default 16 KiB chunks, and fails with 64-byte ones.
    this.stream ??= createInflateRaw({
      windowBits: Math.max(9, this.windowBits),
      chunkSize: constants.Z_MIN_CHUNK,
    });
    const stream = this.stream;
    const out = await new Promise<Uint8Array>((resolve, reject) => {
      const chunks: Uint8Array[] = [];
      const onData = (chunk: Uint8Array) => chunks.push(chunk);
      const onError = (error: Error) => {
        stream.off('data', onData);
        reject(error);
      };
      stream.on('data', onData);
      stream.once('error', onError);
      // §7.2.2: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of the payload".
      stream.write(concat([payload, TAIL]));
      stream.flush(constants.Z_SYNC_FLUSH, () => {
        stream.off('data', onData);
        stream.off('error', onError);
        resolve(concat(chunks));
      });
    }).catch((error: unknown) => {
      this.reset();
      throw error;
    });
    if (this.noContextTakeover) this.reset();
    return out;
  }

  reset(): void {
    this.stream?.close();
    this.stream = undefined;
  }
}
