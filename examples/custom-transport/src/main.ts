// pnpm start — a WebSocket (RFC 6455) connection over things that are not TCP sockets, with
// only @ws/frame and @ws/protocol.
import { childProcessDemo } from './child-process.js';
import { sansIoDemo } from './sans-io.js';

sansIoDemo();
await childProcessDemo();
