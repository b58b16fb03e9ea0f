import type http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPython, PYTHON_MESSAGES, runPythonClient } from './python-client.js';
import { webEchoServer } from './web-echo-server.js';

const python = findPython();
if (python === undefined) {
  console.log(
    'web-interop-python: skipped: python3 with websockets is not installed (apt-get install python3-websockets)',
  );
}

describe.skipIf(python === undefined)(
  'interop: Python websockets client → our web-path server',
  () => {
    const seen: string[] = [];
    const sockets = new Set<Socket>();
    let server: http.Server;
    let url: string;
    beforeAll(async () => {
      server = webEchoServer({ threshold: 0 }, seen, sockets);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    afterAll(() => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it.each([
      ['default', 'permessage-deflate; server_no_context_takeover; client_no_context_takeover'],
      [
        'small',
        'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=11',
      ],
    ])(
      "accepts websockets' %s offer and echoes compressed messages",
      async (mode, header) => {
        const { code, out, err } = await runPythonClient(python!, url, mode);
        expect(err).toBe('');
        expect(code).toBe(0);
        expect(JSON.parse(out)).toEqual({
          extensions: header,
          ok: Array(PYTHON_MESSAGES).fill(true),
        });
        expect(seen.at(-1)).toBe(header);
        // Our replies went compressed where they could: far fewer bytes written than echoed.
        const socket = [...sockets].at(-1)!;
        if (mode === 'default') expect(socket.bytesWritten).toBeLessThan(25_600);
      },
      60_000,
    );
  },
);
