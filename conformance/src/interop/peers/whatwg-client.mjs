// The interop scenario for any WHATWG WebSocket client (ws, Node 24's undici, Chromium). Plain
// JavaScript with no imports: Chromium receives this file's text and evaluates it in the page.
// The server must speak the interop protocol of ../scenario.ts. With `{ deflate: true }` the
// server has permessage-deflate on: the scenario also checks that the client negotiated it
// (RFC 7692) and sends 200 KiB of JSON and 256 KiB of random bytes through it.

export async function runScenario(WebSocketImpl, base, options = {}) {
  const SIZES = [0, 1, 125, 126, 65535, 65536, 1048576];
  const UTF8 = '𝄞😀🌍 κόσμε — héllo 中文 '.repeat(40);
  const checks = [];
  const check = (name, ok, detail = '') =>
    checks.push({ name, ok: Boolean(ok), detail: String(detail) });

  const open = (protocols) =>
    new Promise((resolve, reject) => {
      const socket = new WebSocketImpl(`${base}/interop`, protocols);
      socket.binaryType = 'arraybuffer';
      const inbox = [];
      const waiters = [];
      socket.onmessage = (event) => {
        const waiter = waiters.shift();
        if (waiter) waiter(event.data);
        else inbox.push(event.data);
      };
      socket.next = () =>
        new Promise((done, fail) => {
          if (inbox.length > 0) return done(inbox.shift());
          const timer = setTimeout(() => fail(new Error('no message within 20 s')), 20000);
          waiters.push((data) => {
            clearTimeout(timer);
            done(data);
          });
        });
      socket.closedEvent = new Promise((done) => {
        socket.onclose = (event) =>
          done({ code: event.code, reason: event.reason, wasClean: event.wasClean });
      });
      socket.onopen = () => resolve(socket);
      socket.onerror = () => reject(new Error('connection failed'));
    });

  const text = (n) => 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(n / 36)).slice(0, n);
  const bytes = (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (i * 31 + 7) & 0xff;
    return out;
  };
  const sameBytes = (data, want) => {
    if (!(data instanceof ArrayBuffer) || data.byteLength !== want.length) return false;
    const got = new Uint8Array(data);
    for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) return false;
    return true;
  };

  try {
    const socket = await open(['nope', 'chat']);
    check(
      'subprotocol negotiated',
      socket.protocol === 'chat',
      `protocol=${JSON.stringify(socket.protocol)}`,
    );
    for (const size of SIZES) {
      socket.send(text(size));
      const echoed = await socket.next();
      check(
        `text ${size} B echoed`,
        echoed === text(size),
        typeof echoed === 'string' ? `${echoed.length} chars` : typeof echoed,
      );
      socket.send(bytes(size));
      const echoedBinary = await socket.next();
      check(
        `binary ${size} B echoed`,
        sameBytes(echoedBinary, bytes(size)),
        echoedBinary?.byteLength,
      );
    }
    socket.send(UTF8);
    check('UTF-8 with 4-byte characters echoed', (await socket.next()) === UTF8);
    if (options.deflate) {
      check(
        'permessage-deflate negotiated (WebSocket.extensions)',
        /^permessage-deflate\b/.test(socket.extensions),
        `extensions=${JSON.stringify(socket.extensions)}`,
      );
      const records = [];
      for (let id = 0, size = 0; size < 200 * 1024; id++) {
        const record = JSON.stringify({
          id,
          name: `user-${id}`,
          ok: id % 3 === 0,
          tags: ['a', 'b'],
        });
        records.push(record);
        size += record.length + 1;
      }
      const json = `[${records.join(',')}]`;
      socket.send(json);
      const echoedJson = await socket.next();
      check(`JSON text of ${json.length} B echoed intact`, echoedJson === json);
      const random = new Uint8Array(256 * 1024);
      for (let at = 0; at < random.length; at += 65536) {
        crypto.getRandomValues(random.subarray(at, at + 65536));
      }
      socket.send(random);
      check('random binary of 262144 B echoed intact', sameBytes(await socket.next(), random));
    }
    socket.send('cmd:ping:interop-ping');
    const pong = await socket.next();
    check('server ping answered with pong (same payload)', pong === 'pong:interop-ping', pong);
    socket.close(4000, 'bye 👋');
    const closed = await socket.closedEvent;
    check(
      'client close 4000 answered with 4000 (clean)',
      closed.code === 4000 && closed.wasClean,
      JSON.stringify(closed),
    );

    const second = await open([]);
    check(
      'no subprotocol when none offered',
      second.protocol === '',
      `protocol=${JSON.stringify(second.protocol)}`,
    );
    second.send('cmd:close:4001:server says bye ✓');
    const serverClosed = await second.closedEvent;
    check(
      'server close 4001 with reason',
      serverClosed.code === 4001 &&
        serverClosed.reason === 'server says bye ✓' &&
        serverClosed.wasClean,
      JSON.stringify(serverClosed),
    );
  } catch (error) {
    check('scenario completed', false, error instanceof Error ? error.message : String(error));
  }
  return checks;
}
