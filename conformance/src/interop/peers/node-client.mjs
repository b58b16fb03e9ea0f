// Runs the WHATWG scenario with the runtime's global WebSocket (Node 22+ / undici).
// Usage: node node-client.mjs ws://127.0.0.1:PORT [deflate]
import { runScenario } from './whatwg-client.mjs';

const checks = await runScenario(globalThis.WebSocket, process.argv[2], {
  deflate: process.argv[3] === 'deflate',
});
console.log(JSON.stringify({ runtime: `node ${process.version}`, checks }));
