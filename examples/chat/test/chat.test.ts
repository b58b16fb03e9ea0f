import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
let app: ChildProcess;
let port: number;
let output = '';

/** A minimal raw WebSocket client: masked text frames out, unmasked frames in. */
class RawChat {
  readonly texts: string[] = [];
  closeCode: number | undefined;
  closed = false;
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | null = null;

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.parse();
      this.wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake?.();
    });
  }

  static async open(origin: string): Promise<{ status: number; head: string; chat: RawChat }> {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.write(
      'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
        `Sec-WebSocket-Protocol: chat.v1\r\nOrigin: ${origin}\r\n\r\n`,
    );
    let received = Buffer.alloc(0);
    while (received.indexOf('\r\n\r\n') === -1) {
      const [chunk] = (await Promise.race([once(socket, 'data'), once(socket, 'close')])) as [
        Buffer?,
      ];
      if (chunk === undefined) break;
      received = Buffer.concat([received, chunk]);
    }
    const end = received.indexOf('\r\n\r\n');
    const head = received.subarray(0, end).toString('latin1');
    const chat = new RawChat(socket);
    const rest = received.subarray(end + 4);
    if (rest.length > 0) socket.emit('data', rest);
    return { status: Number(head.split(' ')[1]), head, chat };
  }

  send(text: string): void {
    const payload = Buffer.from(text);
    if (payload.length > 125) throw new Error('test client sends short frames only');
    const key = randomBytes(4);
    const masked = payload.map((byte, i) => byte ^ key[i & 3]!);
    this.socket.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), key, masked]));
  }

  private parse(): void {
    for (;;) {
      const b = this.buffer;
      if (b.length < 2) return;
      let length = b[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) return;
        length = b.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        throw new Error('unexpected 64-bit frame in this test');
      }
      if (b.length < offset + length) return;
      const opcode = b[0]! & 0x0f;
      const payload = b.subarray(offset, offset + length);
      if (opcode === 1) this.texts.push(payload.toString());
      if (opcode === 8) this.closeCode = payload.readUInt16BE(0);
      this.buffer = b.subarray(offset + length);
    }
  }

  async waitFor(predicate: () => boolean): Promise<void> {
    while (!predicate()) {
      if (this.closed) throw new Error(`closed while waiting; got ${JSON.stringify(this.texts)}`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  messages(): { type: string; [field: string]: unknown }[] {
    return this.texts.map((text) => JSON.parse(text));
  }
}

beforeAll(async () => {
  app = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', '--port', '0'], {
    cwd: root,
    env: { ...process.env, PORT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stdout!.setEncoding('utf8');
  app.stderr!.setEncoding('utf8');
  app.stderr!.on('data', (text: string) => {
    output += text;
  });
  await new Promise<void>((resolve, reject) => {
    app.stdout!.on('data', (text: string) => {
      output += text;
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(output);
      if (match !== null) {
        port = Number(match[1]);
        resolve();
      }
    });
    app.once('exit', (code) => reject(new Error(`the app exited (${code}): ${output}`)));
  });
}, 30_000);

afterAll(() => {
  if (app.exitCode === null) app.kill('SIGKILL');
});

describe('examples/chat', () => {
  it('serves the page that opens a WebSocket to /ws', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('new WebSocket(');
    expect(html).toContain("'/ws'");
  });

  it('refuses a WebSocket from another origin with 403', async () => {
    const { status, chat } = await RawChat.open('https://evil.example');
    expect(status).toBe(403);
    chat.socket.destroy();
  });

  it('relays a chat line to every client and logs the connections', async () => {
    const origin = `http://127.0.0.1:${port}`;
    const a = await RawChat.open(origin);
    const b = await RawChat.open(origin);
    expect(a.status).toBe(101);
    expect(a.head.toLowerCase()).toContain('sec-websocket-protocol: chat.v1');
    await a.chat.waitFor(() => a.chat.messages().some((m) => m.type === 'welcome'));
    a.chat.send('hello from a');
    for (const { chat } of [a, b]) {
      await chat.waitFor(() => chat.messages().some((m) => m.type === 'chat'));
      const line = chat.messages().find((m) => m.type === 'chat')!;
      expect(line.text).toBe('hello from a');
      expect(line.from).toMatch(/^guest-\d+$/);
    }
    expect(output).toMatch(/\+ guest-\d+ connected from 127\.0\.0\.1/);
    b.chat.socket.destroy();
    await a.chat.waitFor(() =>
      a.chat.messages().some((m) => m.type === 'system' && /left/.test(String(m.text))),
    );
    a.chat.socket.destroy();
  });

  it('on SIGTERM sends 1001 to clients and exits cleanly', async () => {
    const { chat } = await RawChat.open(`http://127.0.0.1:${port}`);
    await chat.waitFor(() => chat.messages().some((m) => m.type === 'welcome'));
    const exited = once(app, 'exit');
    app.kill('SIGTERM');
    await chat.waitFor(() => chat.closeCode !== undefined);
    expect(chat.closeCode).toBe(1001);
    // Answer the Close like a browser does; the server then closes and exits.
    chat.socket.write(Buffer.from([0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe9]));
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output).toContain('SIGTERM: closing 1 connection(s)');
  }, 20_000);
});
