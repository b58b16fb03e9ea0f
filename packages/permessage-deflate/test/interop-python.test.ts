import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoServer, listen } from './echo-server.js';
import { findPython, PYTHON_MESSAGES, runPythonClient } from './python-client.js';

const python = findPython();
if (python === undefined) {
  console.log(
    'interop-python: skipped: python3 with websockets is not installed (apt-get install python3-websockets)',
  );
}

describe.skipIf(python === undefined)('interop: Python websockets client → our server', () => {
  const seen: string[] = [];
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    server = echoServer({ threshold: 0 }, seen);
    url = await listen(server);
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ['default', 'permessage-deflate'],
    [
      'small',
      'permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=11',
    ],
  ])(
    "accepts websockets' %s offer and echoes compressed messages",
    async (mode, header) => {
      const { code, out, err } = await runPythonClient(python!, `${url}/`, mode);
      expect(err).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(out)).toEqual({
        extensions: header,
        ok: Array(PYTHON_MESSAGES).fill(true),
      });
      expect(seen.at(-1)).toBe(header);
    },
    60_000,
  );
});
