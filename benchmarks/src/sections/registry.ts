import type { Section } from '../harness/types.js';
import { base64Section } from './base64.js';
import { broadcastSection } from './broadcast.js';
import { clientConnectSection } from './client-connect.js';
import { clientEchoSection } from './client-echo.js';
import { deflateSection } from './deflate.js';
import { echoSection } from './echo.js';
import { frameCreateSection } from './frame-create.js';
import { frameDecodeSection } from './frame-decode.js';
import { handshakeSection } from './handshake.js';
import { idleSection } from './idle.js';
import { sha1Section } from './sha1.js';
import { unmaskSection } from './unmask.js';
import { utf8Section } from './utf8.js';

/** Every section, in the order of the seed's `make test`, then the extra workloads and
 * the end-to-end server runs (echo, handshakes, idle memory, broadcast), the clients and
 * compression. */
export const SECTIONS: readonly Section[] = [
  sha1Section,
  base64Section,
  frameCreateSection,
  frameDecodeSection,
  unmaskSection,
  utf8Section,
  echoSection,
  handshakeSection,
  idleSection,
  broadcastSection,
  clientEchoSection,
  clientConnectSection,
  deflateSection,
];
