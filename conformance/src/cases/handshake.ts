/** The opening handshake (§4): what a server must refuse, and what a client must refuse. */
import { concat, encodeFrame, OP } from '../driver/frames.js';
import {
  buildRequest,
  buildResponse,
  type Head,
  header,
  type RequestInit,
} from '../driver/http.js';
import {
  accepts,
  clientAccepts,
  clientRefuses,
  echoes,
  failed,
  nonStrict,
  ok,
  type RejectOptions,
  rejects,
  text,
} from './expect.js';
import type { Case, Judgement, Seen } from './types.js';

type Ctx = { host: string; path: string; key: string };
type Tweak = Omit<Partial<RequestInit>, 'host' | 'path' | 'key'>;

const request = (tweak: Tweak) => (ctx: Ctx) => buildRequest({ ...ctx, ...tweak });

function serverCase(
  name: string,
  title: string,
  tweak: Tweak | ((ctx: Ctx) => string),
  expect: (seen: Seen) => Judgement,
): Case {
  return {
    id: `handshake.${name}`,
    group: 'handshake',
    modes: ['server'],
    title,
    steps: [],
    finish: 'echo',
    request: typeof tweak === 'function' ? tweak : request(tweak),
    expect,
  };
}

const refused = (options: RejectOptions) => rejects(options);

/** Accepting is right; refusing is NON-STRICT (the RFC reading allows this request). */
function acceptsOrNonStrict(why: string, protocol?: string | null) {
  return (seen: Seen): Judgement => {
    const status = seen.response?.startLine[1];
    if (status !== undefined && status !== '101' && Number(status) >= 400 && Number(status) < 500) {
      return nonStrict(`refused with ${status}: ${why}`);
    }
    return accepts(protocol === undefined ? {} : { protocol })(seen);
  };
}

/** A request that is valid but big: accepting or a 431 are both right; hanging or crashing is not. */
function acceptsOr431(seen: Seen): Judgement {
  const status = seen.response?.startLine[1];
  if (status === '431') return ok('431');
  return accepts()(seen);
}

const cases: Case[] = [
  serverCase('valid', 'a plain valid request', {}, accepts({ protocol: null })),
  {
    ...serverCase(
      'request-bytewise',
      'valid request written one byte per TCP write',
      {},
      accepts(),
    ),
    headChunking: 'bytes',
  },
  {
    ...serverCase(
      'frame-pipelined-with-request',
      'a text frame in the same TCP write as the request head',
      (ctx) => buildRequest(ctx),
      echoes([text('pipelined')]),
    ),
    request: (ctx: Ctx) =>
      concat([
        new TextEncoder().encode(buildRequest(ctx)),
        encodeFrame({ opcode: OP.text, payload: 'pipelined' }, 'client'),
      ]),
  },
  serverCase(
    'version-8',
    'Sec-WebSocket-Version: 8 (hybi-10)',
    { headers: { 'Sec-WebSocket-Version': '8' } },
    refused({
      statuses: [426, 400],
      versionHeader: true,
      acceptIsNonStrict: 'speaks version 8 (draft hybi-10) too',
    }),
  ),
  serverCase(
    'version-12',
    'Sec-WebSocket-Version: 12',
    { headers: { 'Sec-WebSocket-Version': '12' } },
    refused({ statuses: [426, 400], versionHeader: true }),
  ),
  serverCase(
    'version-14',
    'Sec-WebSocket-Version: 14',
    { headers: { 'Sec-WebSocket-Version': '14' } },
    refused({ statuses: [426, 400], versionHeader: true }),
  ),
  serverCase(
    'version-0',
    'Sec-WebSocket-Version: 0',
    { headers: { 'Sec-WebSocket-Version': '0' } },
    refused({ statuses: [426, 400], versionHeader: true }),
  ),
  serverCase(
    'version-garbage',
    'Sec-WebSocket-Version: abc',
    { headers: { 'Sec-WebSocket-Version': 'abc' } },
    refused({ statuses: [426, 400], versionHeader: true }),
  ),
  serverCase(
    'version-13-leading-zero',
    'Sec-WebSocket-Version: 013',
    { headers: { 'Sec-WebSocket-Version': '013' } },
    refused({
      statuses: [426, 400],
      versionHeader: true,
      acceptIsNonStrict: 'read 013 as 13 (the ABNF of §4.3 has no leading zeros)',
    }),
  ),
  serverCase(
    'version-missing',
    'no Sec-WebSocket-Version',
    { headers: { 'Sec-WebSocket-Version': undefined } },
    refused({ statuses: [426, 400] }),
  ),
  serverCase(
    'version-twice',
    'Sec-WebSocket-Version: 13 sent twice',
    { extra: [['Sec-WebSocket-Version', '13']] },
    refused({ statuses: [400, 426], acceptIsNonStrict: 'a repeated identical version header' }),
  ),
  serverCase(
    'key-missing',
    'no Sec-WebSocket-Key',
    { headers: { 'Sec-WebSocket-Key': undefined } },
    refused({ statuses: [400] }),
  ),
  serverCase(
    'key-empty',
    'empty Sec-WebSocket-Key',
    { headers: { 'Sec-WebSocket-Key': '' } },
    refused({ statuses: [400] }),
  ),
  serverCase(
    'key-15-bytes',
    'Sec-WebSocket-Key of 15 bytes (§4.1: 16 bytes)',
    { headers: { 'Sec-WebSocket-Key': 'AAAAAAAAAAAAAAAAAAAA' } },
    refused({ statuses: [400] }),
  ),
  serverCase(
    'key-17-bytes',
    'Sec-WebSocket-Key of 17 bytes',
    { headers: { 'Sec-WebSocket-Key': 'AAAAAAAAAAAAAAAAAAAAAAA=' } },
    refused({ statuses: [400] }),
  ),
  serverCase(
    'key-not-base64',
    'Sec-WebSocket-Key that is not base64',
    { headers: { 'Sec-WebSocket-Key': '!!!!!!!!!!!!!!!!!!!!!!==' } },
    refused({ statuses: [400] }),
  ),
  serverCase(
    'key-twice',
    'Sec-WebSocket-Key sent twice (§11.3.1 MUST NOT)',
    { extra: [['Sec-WebSocket-Key', 'BBBBBBBBBBBBBBBBBBBBBA==']] },
    refused({ statuses: [400] }),
  ),
  serverCase(
    'key-padded-whitespace',
    'Sec-WebSocket-Key with spaces around it (optional whitespace)',
    (ctx) => buildRequest({ ...ctx, headers: { 'Sec-WebSocket-Key': `   ${ctx.key}  ` } }),
    (seen) => checkAccept(seen),
  ),
  serverCase(
    'method-post',
    'POST instead of GET',
    { method: 'POST' },
    refused({ statuses: [405, 400] }),
  ),
  serverCase(
    'method-put',
    'PUT instead of GET',
    { method: 'PUT' },
    refused({ statuses: [405, 400] }),
  ),
  serverCase(
    'method-head',
    'HEAD instead of GET',
    { method: 'HEAD' },
    refused({ statuses: [405, 400] }),
  ),
  serverCase(
    'http-1.0',
    'HTTP/1.0 (§4.1: at least 1.1)',
    { version: 'HTTP/1.0' },
    refused({ statuses: [400, 505, 426] }),
  ),
  serverCase(
    'upgrade-missing',
    'no Upgrade header',
    { headers: { Upgrade: undefined } },
    refused({ statuses: [400, 426] }),
  ),
  serverCase(
    'upgrade-h2c',
    'Upgrade: h2c',
    { headers: { Upgrade: 'h2c' } },
    refused({ statuses: [400, 426] }),
  ),
  serverCase(
    'upgrade-case',
    'Upgrade: WebSocket (case-insensitive, §4.2.1)',
    { headers: { Upgrade: 'WebSocket' } },
    accepts(),
  ),
  serverCase(
    'upgrade-list',
    'Upgrade: foo/2, websocket',
    { headers: { Upgrade: 'foo/2, websocket' } },
    acceptsOrNonStrict('§4.2.1 asks for an Upgrade header *containing* websocket'),
  ),
  serverCase(
    'connection-missing',
    'no Connection header',
    { headers: { Connection: undefined } },
    refused({ statuses: [400, 426] }),
  ),
  serverCase(
    'connection-close',
    'Connection: close',
    { headers: { Connection: 'close' } },
    refused({ statuses: [400, 426] }),
  ),
  serverCase(
    'connection-list',
    'Connection: keep-alive, Upgrade',
    { headers: { Connection: 'keep-alive, Upgrade' } },
    accepts(),
  ),
  serverCase(
    'connection-lowercase',
    'Connection: upgrade',
    { headers: { Connection: 'upgrade' } },
    accepts(),
  ),
  serverCase(
    'host-missing',
    'no Host header (§4.2.1 MUST)',
    { headers: { Host: undefined } },
    refused({ statuses: [400] }),
  ),
  serverCase(
    'header-names-lowercase',
    'every header name in lower case',
    (ctx) => buildRequest(ctx).replace(/^([A-Za-z-]+):/gm, (m) => m.toLowerCase()),
    (seen) => checkAccept(seen),
  ),
  serverCase(
    'header-whitespace',
    'header values padded with spaces and tabs',
    (ctx) => buildRequest(ctx).replace(/: /g, ': \t '),
    (seen) => checkAccept(seen),
  ),
  serverCase(
    'protocol-chosen',
    'Sec-WebSocket-Protocol: chat',
    { extra: [['Sec-WebSocket-Protocol', 'chat']] },
    accepts({ protocol: 'chat' }),
  ),
  serverCase(
    'protocol-second',
    'Sec-WebSocket-Protocol: foo, echo',
    { extra: [['Sec-WebSocket-Protocol', 'foo, echo']] },
    accepts({ protocol: 'echo' }),
  ),
  serverCase(
    'protocol-two-headers',
    'Sec-WebSocket-Protocol split over two header lines',
    {
      extra: [
        ['Sec-WebSocket-Protocol', 'foo'],
        ['Sec-WebSocket-Protocol', 'chat'],
      ],
    },
    accepts({ protocol: 'chat' }),
  ),
  serverCase(
    'protocol-unsupported',
    'Sec-WebSocket-Protocol: foo only (server picks none)',
    { extra: [['Sec-WebSocket-Protocol', 'foo']] },
    accepts({ protocol: null }),
  ),
  serverCase(
    'protocol-invalid-token',
    'Sec-WebSocket-Protocol: "chat" (not a token, §4.1)',
    { extra: [['Sec-WebSocket-Protocol', '"chat"']] },
    (seen) => {
      const status = seen.response?.startLine[1];
      if (status === '400') return ok('400');
      const verdict = accepts({ protocol: null })(seen);
      return verdict.verdict === 'OK'
        ? nonStrict('accepted a protocol list that is not tokens (ignoring it)')
        : verdict;
    },
  ),
  serverCase(
    'extension-deflate-offered',
    'Sec-WebSocket-Extensions: permessage-deflate offered (accepting it or not are both right)',
    { extra: [['Sec-WebSocket-Extensions', 'permessage-deflate; client_max_window_bits']] },
    accepts({ offered: ['permessage-deflate'] }),
  ),
  serverCase(
    'extension-unknown-offered',
    'Sec-WebSocket-Extensions: x-unknown',
    { extra: [['Sec-WebSocket-Extensions', 'x-unknown; a=1']] },
    accepts(),
  ),
  serverCase(
    'origin-any',
    'Origin: https://example.org (no origin policy on the echo server)',
    { extra: [['Origin', 'https://example.org']] },
    accepts(),
  ),
  serverCase(
    'headers-20KiB',
    'a 20 KiB Cookie header',
    { extra: [['Cookie', `a=${'x'.repeat(20 * 1024)}`]] },
    refused({ statuses: [431, 400], acceptIsNonStrict: 'no bound on the request head size' }),
  ),
  serverCase(
    'headers-150',
    '150 extra header lines',
    { extra: Array.from({ length: 150 }, (_, i) => [`X-Filler-${i}`, 'y'] as const) },
    acceptsOr431,
  ),
  serverCase(
    'garbage',
    'bytes that are no HTTP request',
    () => 'HELLO WORLD\r\n\r\n',
    refused({ statuses: [400] }),
  ),
  serverCase(
    'request-line-only',
    'a bare "GET / HTTP/1.1" with no headers',
    () => 'GET / HTTP/1.1\r\n\r\n',
    refused({ statuses: [400, 426] }),
  ),
];

/**
 * HTTP/1.1 edge cases (RFC 9112 / RFC 9110) of the request head: `ok` statuses are right,
 * 101 is judged by `on101`, a hang by `onHang`, any other 4xx is NON-STRICT.
 */
function httpEdge(options: {
  ok: readonly number[];
  on101: 'OK' | 'NON-STRICT' | 'FAILED';
  onHang?: 'NON-STRICT' | 'FAILED';
  why: string;
}) {
  return (seen: Seen): Judgement => {
    const response = seen.response;
    if (response === undefined) {
      const note = `no answer (${seen.peerDropped ? 'TCP closed' : 'still waiting'}): ${options.why}`;
      return options.onHang === 'NON-STRICT' && !seen.peerDropped ? nonStrict(note) : failed(note);
    }
    const status = Number(response.startLine[1]);
    if (status === 101) {
      const verdict = accepts()(seen);
      if (verdict.verdict !== 'OK' || options.on101 === 'OK') return verdict;
      const note = `accepted (101): ${options.why}`;
      return options.on101 === 'NON-STRICT' ? nonStrict(note) : failed(note);
    }
    if (options.ok.includes(status)) return ok(`${status}`);
    if (status >= 400 && status < 500)
      return nonStrict(`${status}, expected ${options.ok.join(' or ')}`);
    return failed(`${response.startLine.join(' ')}: ${options.why}`);
  };
}

const withLine = (line: string) => (ctx: Ctx) =>
  buildRequest(ctx).replace(/\r\n\r\n$/, `\r\n${line}\r\n\r\n`);

cases.push(
  serverCase(
    'http-obs-fold',
    'a header folded onto a second line (obsolete line folding)',
    withLine('X-Folded: first\r\n  second'),
    httpEdge({
      ok: [400],
      on101: 'OK',
      why: 'RFC 9112 §5.2: reject with 400 or replace the fold with spaces',
    }),
  ),
  serverCase(
    'http-bare-lf',
    'every line ended by LF alone',
    (ctx) => buildRequest(ctx).replace(/\r\n/g, '\n'),
    httpEdge({
      ok: [400],
      on101: 'OK',
      onHang: 'NON-STRICT',
      why: 'RFC 9112 §2.2: a recipient MAY accept a bare LF',
    }),
  ),
  serverCase(
    'http-no-colon',
    'a header line without a colon',
    withLine('NoColonHere'),
    httpEdge({ ok: [400], on101: 'NON-STRICT', why: 'not a header field (RFC 9112 §5)' }),
  ),
  serverCase(
    'http-space-before-colon',
    'whitespace between a header name and the colon',
    withLine('X-Spaced : value'),
    httpEdge({ ok: [400], on101: 'FAILED', why: 'RFC 9112 §5.1: MUST reject with 400' }),
  ),
  serverCase(
    'http-nul-in-value',
    'a NUL byte in a header value',
    withLine('X-Nul: a\u0000b'),
    httpEdge({
      ok: [400],
      on101: 'NON-STRICT',
      why: 'RFC 9110 §5.5: reject, or replace the NUL with SP',
    }),
  ),
  serverCase(
    'http-host-twice',
    'two Host headers',
    withLine('Host: other.example'),
    httpEdge({
      ok: [400],
      on101: 'FAILED',
      why: 'RFC 9112 §3.2: MUST answer 400 to more than one Host',
    }),
  ),
  serverCase(
    'http-absolute-form',
    'request target in absolute form (GET http://host/ HTTP/1.1)',
    (ctx) => buildRequest({ ...ctx, path: `http://${ctx.host}/` }),
    httpEdge({
      ok: [],
      on101: 'OK',
      why: 'RFC 9112 §3.2.2: a server MUST accept the absolute form',
    }),
  ),
  serverCase(
    'http-long-target',
    'a 20 KiB request target',
    (ctx) => buildRequest({ ...ctx, path: `/${'a'.repeat(20 * 1024)}` }),
    httpEdge({ ok: [414, 431, 400], on101: 'NON-STRICT', why: 'no bound on the request line' }),
  ),
);

/** A 101 whose accept matches the key actually sent (for requests that rewrite the key line). */
function checkAccept(seen: Seen): Judgement {
  const verdict = accepts()(seen);
  if (verdict.verdict !== 'OK') return verdict;
  return ok();
}

// ---------------------------------------------------------------- client side

function clientCase(
  name: string,
  title: string,
  response: (req: Head) => string | Uint8Array,
  expect: (seen: Seen) => Judgement,
  protocols?: readonly string[],
): Case {
  return {
    id: `handshake.client-${name}`,
    group: 'handshake',
    modes: ['client'],
    title,
    response,
    steps: [{ frames: [{ opcode: OP.text, payload: 'probe' }] }],
    finish: 'echo',
    expect,
    ...(protocols ? { protocols } : {}),
  };
}

const keyOf = (req: Head) => header(req, 'sec-websocket-key') ?? '';
const refuse = (why: string) => clientRefuses(why);

function validRequest(seen: Seen): Judgement {
  const req = seen.request;
  if (req === undefined) return failed('no request');
  const problems: string[] = [];
  if (req.startLine[0] !== 'GET') problems.push(`method ${req.startLine[0]}`);
  if (req.startLine[2] !== 'HTTP/1.1') problems.push(`version ${req.startLine[2]}`);
  if (!header(req, 'host')) problems.push('no Host');
  if (header(req, 'upgrade')?.toLowerCase() !== 'websocket')
    problems.push(`Upgrade ${header(req, 'upgrade')}`);
  if (
    !(header(req, 'connection') ?? '')
      .toLowerCase()
      .split(/\s*,\s*/)
      .includes('upgrade')
  )
    problems.push(`Connection ${header(req, 'connection')}`);
  const key = header(req, 'sec-websocket-key') ?? '';
  if (
    Buffer.from(key, 'base64').length !== 16 ||
    Buffer.from(key, 'base64').toString('base64') !== key
  )
    problems.push(`key ${key}`);
  if (header(req, 'sec-websocket-version') !== '13')
    problems.push(`version ${header(req, 'sec-websocket-version')}`);
  if (problems.length > 0) return failed(`bad request (§4.1): ${problems.join(', ')}`);
  return clientAccepts([text('probe')])(seen);
}

cases.push(
  clientCase(
    'valid',
    'a valid 101; the client request is checked against §4.1',
    (req) => buildResponse(keyOf(req)),
    validRequest,
  ),
  {
    ...clientCase(
      'response-bytewise',
      '101 written one byte per TCP write',
      (req) => buildResponse(keyOf(req)),
      clientAccepts([text('probe')]),
    ),
    headChunking: 'bytes',
  },
  clientCase(
    'frame-pipelined-with-response',
    'a text frame in the same TCP write as the 101',
    (req) =>
      concat([
        new TextEncoder().encode(buildResponse(keyOf(req))),
        encodeFrame({ opcode: OP.text, payload: 'pipelined' }, 'server'),
      ]),
    clientAccepts([text('pipelined'), text('probe')]),
  ),
  clientCase(
    'reason-phrase',
    '"HTTP/1.1 101 OK" (any reason phrase)',
    (req) => buildResponse(keyOf(req), {}, 'HTTP/1.1 101 OK'),
    clientAccepts([text('probe')]),
  ),
  clientCase(
    'upgrade-case',
    'Upgrade: WebSocket and CONNECTION: UPGRADE',
    (req) => buildResponse(keyOf(req), { Upgrade: 'WebSocket', Connection: 'UPGRADE' }),
    clientAccepts([text('probe')]),
  ),
  clientCase(
    'accept-wrong',
    'Sec-WebSocket-Accept for another key (§4.1 MUST fail)',
    () => buildResponse('dGhlIHNhbXBsZSBub25jZQ=='),
    refuse('the accept key is wrong'),
  ),
  clientCase(
    'accept-missing',
    'no Sec-WebSocket-Accept',
    (req) => buildResponse(keyOf(req), { 'Sec-WebSocket-Accept': undefined }),
    refuse('the accept key is missing'),
  ),
  clientCase(
    'status-200',
    '200 OK instead of 101',
    (req) => buildResponse(keyOf(req), { 'Content-Length': '0' }, 'HTTP/1.1 200 OK'),
    refuse('the status is 200'),
  ),
  clientCase(
    'status-302',
    '302 redirect (not followed by default)',
    (req) =>
      buildResponse(
        keyOf(req),
        { Location: '/elsewhere', 'Content-Length': '0' },
        'HTTP/1.1 302 Found',
      ),
    refuse('the status is 302'),
  ),
  clientCase(
    'status-403',
    '403 Forbidden',
    () => 'HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n',
    refuse('the status is 403'),
  ),
  clientCase(
    'upgrade-missing',
    '101 without Upgrade',
    (req) => buildResponse(keyOf(req), { Upgrade: undefined }),
    refuse('Upgrade is missing'),
  ),
  clientCase(
    'upgrade-wrong',
    '101 with Upgrade: h2c',
    (req) => buildResponse(keyOf(req), { Upgrade: 'h2c' }),
    refuse('Upgrade is not websocket'),
  ),
  clientCase(
    'connection-missing',
    '101 without Connection',
    (req) => buildResponse(keyOf(req), { Connection: undefined }),
    refuse('Connection is missing'),
  ),
  clientCase(
    'protocol-unrequested',
    '101 choosing subprotocol "chat" that was not offered',
    (req) => buildResponse(keyOf(req), { 'Sec-WebSocket-Protocol': 'chat' }),
    refuse('the subprotocol was not offered'),
  ),
  clientCase(
    'protocol-not-offered-value',
    '101 choosing "other" when "chat", "echo" were offered',
    (req) => buildResponse(keyOf(req), { 'Sec-WebSocket-Protocol': 'other' }),
    refuse('the subprotocol was not offered'),
    ['chat', 'echo'],
  ),
  clientCase(
    'protocol-chosen',
    '101 choosing "echo" from the offered "chat", "echo"',
    (req) => buildResponse(keyOf(req), { 'Sec-WebSocket-Protocol': 'echo' }),
    clientAccepts([text('probe')], 'echo'),
    ['chat', 'echo'],
  ),
  clientCase(
    'protocol-none-chosen',
    '101 choosing no subprotocol when some were offered (RFC allows; WHATWG fails)',
    (req) => buildResponse(keyOf(req)),
    (seen) => {
      if (seen.client?.opened === false)
        return nonStrict(`refused (WHATWG reading): ${seen.client.error ?? ''}`.slice(0, 120));
      return clientAccepts([text('probe')])(seen);
    },
    ['chat', 'echo'],
  ),
  clientCase(
    'extension-unrequested',
    '101 with Sec-WebSocket-Extensions: x-unrequested, which was not offered',
    (req) => buildResponse(keyOf(req), { 'Sec-WebSocket-Extensions': 'x-unrequested' }),
    refuse('an extension was not offered'),
  ),
);

export default cases;
