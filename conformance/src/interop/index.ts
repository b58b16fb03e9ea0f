import { oursClientToBunServer, oursClientToBunServerDeflate } from './bun.js';
import { chromiumToOurServer, chromiumToOurServerDeflate } from './chromium.js';
import { node24ClientToOurServer, node24ClientToOurServerDeflate } from './node24.js';
import {
  oursWebSocketToBunServer,
  oursWebSocketToPythonServer,
  oursWebSocketToWsServer,
} from './ours-websocket.js';
import {
  oursClientToPythonServer,
  pythonClientToOurServer,
  pythonClientToOurServerDeflate,
} from './python.js';
import type { Pairing } from './types.js';
import {
  oursClientToWsServer,
  oursClientToWsServerDeflate,
  wsClientToOurServer,
  wsClientToOurServerDeflate,
} from './ws.js';

/**
 * Every interop pairing: our server with four clients; our client (`connect()`, then the WHATWG
 * `WebSocket` class) with three servers; then permessage-deflate on both sides, our server with
 * the same four clients and our client with the three servers (Python's has it on by default,
 * so its plain pairing already compresses).
 */
export const PAIRINGS: readonly Pairing[] = [
  wsClientToOurServer,
  node24ClientToOurServer,
  pythonClientToOurServer,
  chromiumToOurServer,
  oursClientToWsServer,
  oursClientToPythonServer,
  oursClientToBunServer,
  oursWebSocketToWsServer,
  oursWebSocketToPythonServer,
  oursWebSocketToBunServer,
  wsClientToOurServerDeflate,
  node24ClientToOurServerDeflate,
  pythonClientToOurServerDeflate,
  chromiumToOurServerDeflate,
  oursClientToWsServerDeflate,
  oursClientToBunServerDeflate,
];
