/**
 * permessage-deflate under each parameter a client may offer (RFC 7692 §7.1), the equivalent of
 * Autobahn's 13.x: the server's answer must fit the offer (checked by the driver, §7.1), and the
 * messages it sends must inflate with exactly the agreed window and takeover — the driver's
 * inflater uses the agreed window size and a fresh stream per message when the server agreed
 * to no context takeover, so a server that looks further back than agreed fails here.
 */
import { jsonText, noise, repeated, repeatedText } from './deflate-data.js';
import { binary, deflateEchoes, text } from './expect.js';
import type { Case, DeflateMessage } from './types.js';

/**
 * Small and large, text and binary, repeats within 512 B and repeats 700 and 2000 B back (so
 * window sizes matter), and a message sent twice (so context takeover matters).
 */
const MESSAGES: DeflateMessage[] = [
  { type: 'text', data: jsonText(16) },
  { type: 'text', data: jsonText(300, 5) },
  { type: 'text', data: jsonText(300, 5) },
  { type: 'binary', data: repeated(6000, 700) },
  { type: 'text', data: repeatedText(10000, 2000) },
  { type: 'text', data: jsonText(65536, 9) },
  { type: 'binary', data: noise(4096, 3) },
  { type: 'binary', data: repeated(6000, 700) },
];
const EXPECTED = MESSAGES.map((m) => (m.type === 'text' ? text(m.data) : binary(m.data)));

const OFFERS: [string, string][] = [
  ['plain', 'permessage-deflate'],
  ['client-no-context-takeover', 'permessage-deflate; client_no_context_takeover'],
  ['server-no-context-takeover', 'permessage-deflate; server_no_context_takeover'],
  [
    'both-no-context-takeover',
    'permessage-deflate; client_no_context_takeover; server_no_context_takeover',
  ],
  ['client-max-window-bits', 'permessage-deflate; client_max_window_bits'],
];
for (let bits = 9; bits <= 15; bits++) {
  OFFERS.push([
    `client-max-window-bits-${bits}`,
    `permessage-deflate; client_max_window_bits=${bits}`,
  ]);
}
for (let bits = 9; bits <= 15; bits++) {
  OFFERS.push([
    `server-max-window-bits-${bits}`,
    `permessage-deflate; server_max_window_bits=${bits}`,
  ]);
}
OFFERS.push(
  [
    'everything-9',
    'permessage-deflate; server_max_window_bits=9; client_max_window_bits=9; server_no_context_takeover; client_no_context_takeover',
  ],
  [
    'list-server-window-then-plain',
    'permessage-deflate; server_max_window_bits=10, permessage-deflate',
  ],
  [
    'list-takeover-then-browser',
    'permessage-deflate; client_no_context_takeover; server_no_context_takeover; client_max_window_bits=9, permessage-deflate; client_max_window_bits',
  ],
  [
    'list-invalid-then-valid',
    'permessage-deflate; server_max_window_bits=16, permessage-deflate; client_max_window_bits=20, permessage-deflate; server_max_window_bits=11',
  ],
  [
    'list-unknown-then-valid',
    'x-webkit-deflate-frame, permessage-deflate; foo=1, permessage-deflate; client_max_window_bits',
  ],
);

const cases: Case[] = OFFERS.map(([name, offer]) => ({
  id: `deflate-params.${name}`,
  group: 'deflate-params',
  title: `offer "${offer}": ${MESSAGES.length} messages of 16 B to 64 KiB`,
  modes: ['server'],
  deflate: { offer },
  steps: [{ deflate: MESSAGES }],
  finish: 'echo',
  replies: MESSAGES.length,
  expect: deflateEchoes(EXPECTED),
}));

export default cases;
