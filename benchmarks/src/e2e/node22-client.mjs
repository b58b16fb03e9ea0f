// Node 22+'s built-in WHATWG WebSocket (undici) as an echo client, run in its own process by
// src/e2e/node22.ts. It reports its own process.cpuUsage() and times, so nothing of the
// benchmark process is counted. Line protocol on stdin/stdout:
//   OPEN <port>                  → OPEN ok | ERR <reason>
//   ECHO <size> <count> <burst>  → ECHO <cpu µs> <seconds> <problem or ->
//   VERIFY                       → VERIFY ok | VERIFY <problem>
//   stdin closed                 → the connection is closed and the process exits.

let socket;
let waiting = 0;
let expectedLength = 0;
let problem;
let done;
let collected;

function reply(line) {
  process.stdout.write(`${line}\n`);
}

function pattern(size, seed) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

function settle(count) {
  return new Promise((resolve) => {
    waiting = count;
    done = resolve;
  });
}

function onMessage(event) {
  const data = event.data;
  if (collected) collected.push(new Uint8Array(data));
  else if (!(data instanceof ArrayBuffer)) problem ??= 'got a text message instead of binary';
  else if (data.byteLength !== expectedLength)
    problem ??= `an echo of ${expectedLength} B came back as ${data.byteLength} B`;
  if (--waiting === 0) done?.();
}

async function open(port) {
  if (typeof WebSocket !== 'function') return `no global WebSocket in Node ${process.version}`;
  socket = new WebSocket(`ws://127.0.0.1:${port}/`);
  socket.binaryType = 'arraybuffer';
  socket.addEventListener('message', onMessage);
  return new Promise((resolve) => {
    socket.addEventListener('open', () => resolve(undefined), { once: true });
    socket.addEventListener('error', () => resolve('connection failed'), { once: true });
  });
}

async function echo(size, count, burst) {
  const payload = pattern(size, 7);
  expectedLength = size;
  problem = undefined;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let left = count; left > 0; left -= burst) {
    const n = Math.min(burst, left);
    const echoed = settle(n);
    for (let i = 0; i < n; i++) socket.send(payload);
    await echoed;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  return `ECHO ${used.user + used.system} ${seconds} ${problem ?? '-'}`;
}

async function verify() {
  collected = [];
  const sizes = [0, 125, 126, 70 * 1024];
  for (const size of sizes) {
    const echoed = settle(1);
    socket.send(pattern(size, size));
    await echoed;
  }
  const got = collected;
  collected = undefined;
  for (const [i, size] of sizes.entries()) {
    const expected = pattern(size, size);
    const back = got[i];
    if (back === undefined || back.length !== size || back.some((b, j) => b !== expected[j]))
      return `VERIFY a ${size} B payload came back as ${back?.length ?? 0} different bytes`;
  }
  return 'VERIFY ok';
}

let queue = Promise.resolve();
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  pending += text;
  for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
    const [command, ...args] = pending.slice(0, end).trim().split(' ');
    pending = pending.slice(end + 1);
    queue = queue.then(async () => {
      try {
        if (command === 'OPEN') {
          const failure = await open(Number(args[0]));
          reply(failure === undefined ? 'OPEN ok' : `ERR ${failure}`);
        } else if (command === 'ECHO') reply(await echo(...args.map(Number)));
        else if (command === 'VERIFY') reply(await verify());
        else reply(`ERR unknown command ${command}`);
      } catch (error) {
        reply(`ERR ${error?.message ?? error}`);
      }
    });
  }
});
process.stdin.on('end', () => {
  socket?.close();
  setTimeout(() => process.exit(0), 200);
});
