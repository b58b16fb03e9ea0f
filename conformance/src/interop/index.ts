import { oursClientToBunServer } from './bun.js';
import { chromiumToOurServer } from './chromium.js';
import { node24ClientToOurServer } from './node24.js';
import {
  oursWebSocketToBunServer,
  oursWebSocketToPythonServer,
  oursWebSocketToWsServer,
} from './ours-websocket.js';
import { oursClientToPythonServer, pythonClientToOurServer } from './python.js';
import type { Pairing } from './types.js';
import { oursClientToWsServer, wsClientToOurServer } from './ws.js';

/**
 * Every interop pairing: our server with four clients; our client (`connect()`, then the WHATWG
 * `WebSocket` class) with three servers.
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
];
