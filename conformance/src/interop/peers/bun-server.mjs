// The interop protocol as a server, on Bun.serve (uWebSockets underneath). See python_server.py.
// Usage: bun bun-server.mjs [deflate] — prints "listening PORT", then one JSON line per close
// received. With "deflate", permessage-deflate is on (Bun's default is off).
const server = Bun.serve({
  hostname: '127.0.0.1',
  port: 0,
  fetch(req, srv) {
    const offered = (req.headers.get('sec-websocket-protocol') ?? '')
      .split(',')
      .map((p) => p.trim());
    const headers = offered.includes('chat') ? { 'Sec-WebSocket-Protocol': 'chat' } : {};
    if (srv.upgrade(req, { headers, data: { pending: [] } })) return undefined;
    return new Response('Upgrade Required', { status: 426 });
  },
  websocket: {
    maxPayloadLength: 64 * 1024 * 1024,
    perMessageDeflate: process.argv[2] === 'deflate',
    message(ws, message) {
      if (typeof message === 'string' && message.startsWith('cmd:ping:')) {
        const payload = message.slice('cmd:ping:'.length);
        ws.data.pending.push(payload);
        ws.ping(payload);
      } else if (typeof message === 'string' && message.startsWith('cmd:close:')) {
        const [, , code, ...reason] = message.split(':');
        ws.close(Number(code), reason.join(':'));
      } else ws.send(message);
    },
    pong(ws, data) {
      const payload = new TextDecoder().decode(data);
      const index = ws.data.pending.indexOf(payload);
      if (index >= 0) {
        ws.data.pending.splice(index, 1);
        ws.send(`pong:${payload}`);
      }
    },
    close(_ws, code, reason) {
      console.log(JSON.stringify({ close: code, reason }));
    },
  },
});
console.log(`listening ${server.port}`);
