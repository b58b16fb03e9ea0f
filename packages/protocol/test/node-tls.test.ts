import { once } from 'node:events';
import tls from 'node:tls';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../src/index.js';
import { fromSocket } from '../src/node/index.js';

/** A self-signed P-256 test certificate for localhost (test only, never used elsewhere). */
const key = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgOVtGDOyb4yp/svUY
FQEHW7GDtjEXnZrBfzLFGQjH3yKhRANCAARzrxc27Ku4qlCsHrH7iwe3YEuKCCX3
QmX5k6cybkPLgGAeJ30N/GSQq+NofuV+qsRiFzcJC5T0Yt1lsaGwjiyP
-----END PRIVATE KEY-----
`;
const cert = `-----BEGIN CERTIFICATE-----
MIIBfjCCASWgAwIBAgIUOInpZvxcSCeyVafPkp1pV3EoIsgwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNzE3NTgxMFoYDzIxMjYxMTAz
MTc1ODEwWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARzrxc27Ku4qlCsHrH7iwe3YEuKCCX3QmX5k6cybkPLgGAeJ30N/GSQ
q+NofuV+qsRiFzcJC5T0Yt1lsaGwjiyPo1MwUTAdBgNVHQ4EFgQUZCCi3nG/L0/d
GWxkUmuicmg38gMwHwYDVR0jBBgwFoAUZCCi3nG/L0/dGWxkUmuicmg38gMwDwYD
VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNHADBEAiB0fsjJ8XgXHC60+d43sisM
DeiintIri81gHxHBQBRlkQIgKl6LHZ0Y2RiX7tIEkAYVniqq5viPy95GMQfSPMk+
/eg=
-----END CERTIFICATE-----
`;

describe('@ws/protocol/node over TLS', () => {
  it('runs a connection over tls.TLSSocket both ways and closes cleanly', async () => {
    let resolve!: (conn: Connection) => void;
    const accepted = new Promise<Connection>((r) => (resolve = r));
    const server = tls.createServer({ key, cert }, (socket) =>
      resolve(fromSocket(socket, { role: 'server' })),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    const socket = tls.connect({ port, host: '127.0.0.1', ca: cert, servername: 'localhost' });
    await once(socket, 'secureConnect');
    const client = fromSocket(socket, { role: 'client' });
    const conn = await accepted;
    conn.on('message', (message) => {
      if (message.type === 'binary') void conn.sendBinary(message.data);
    });
    const payload = new Uint8Array(200_000).map((_, i) => i % 251);
    await client.sendBinary(payload, { fragmentSize: 30_000 });
    const echoed = await client.receive();
    expect(
      echoed instanceof Error || echoed.type !== 'binary'
        ? echoed
        : Buffer.compare(echoed.data, payload),
    ).toBe(0);
    expect(await client.close(1000, 'tls')).toEqual({
      type: 'close',
      code: 1000,
      reason: '',
      wasClean: true,
    });
    expect(await conn.closed).toEqual({ type: 'close', code: 1000, reason: 'tls', wasClean: true });
    server.close();
  });
});
