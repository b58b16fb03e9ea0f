import closing from './closing.js';
import deflate from './deflate.js';
import deflateErrors from './deflate-errors.js';
import deflateParams from './deflate-params.js';
import fragmentation from './fragmentation.js';
import framing from './framing.js';
import handshake from './handshake.js';
import limits from './limits.js';
import opcodes from './opcodes.js';
import pingPong from './ping-pong.js';
import reservedBits from './reserved-bits.js';
import type { Case } from './types.js';
import utf8 from './utf8.js';

/** Every case, in the order the groups are reported. */
export const ALL_CASES: readonly Case[] = [
  ...framing,
  ...pingPong,
  ...reservedBits,
  ...opcodes,
  ...fragmentation,
  ...utf8,
  ...limits,
  ...closing,
  ...handshake,
  ...deflate,
  ...deflateParams,
  ...deflateErrors,
];
