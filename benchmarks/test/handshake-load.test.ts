import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CLOSE_FRAME,
  checkCloseFrame,
  checkUpgradeResponse,
  handshakeKeys,
} from '../src/e2e/handshake-load.js';

const response = (accept: string, upgrade = 'websocket', status = '101 Switching Protocols') =>
  `HTTP/1.1 ${status}\r\nUpgrade: ${upgrade}\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}`;

describe('handshakeKeys', () => {
  it('gives the RFC 6455 §1.3 accept value for its example key, computed the same way', () => {
    const accept = createHash('sha1')
      .update('dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
      .digest('base64');
    expect(accept).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    const keys = handshakeKeys(50);
    for (const { key, accept: value } of keys) {
      expect(Buffer.from(key, 'base64')).toHaveLength(16);
      expect(value).toBe(
        createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64'),
      );
    }
    expect(new Set(keys.map((k) => k.key)).size).toBe(50);
    expect(handshakeKeys(3)).toEqual(handshakeKeys(3));
  });
});

describe('checkUpgradeResponse', () => {
  const accept = 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=';

  it('accepts the 101 for the key, header names in any case', () => {
    expect(checkUpgradeResponse(response(accept), accept)).toBeUndefined();
    expect(
      checkUpgradeResponse(
        `HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\nsec-websocket-accept:${accept}`,
        accept,
      ),
    ).toBeUndefined();
  });

  it('refuses another status, another Upgrade, a wrong or missing accept value', () => {
    expect(checkUpgradeResponse(response(accept, 'websocket', '200 OK'), accept)).toMatch(/101/);
    expect(checkUpgradeResponse(response(accept, 'h2c'), accept)).toMatch(/Upgrade/);
    expect(checkUpgradeResponse(response('AAAA'), accept)).toMatch(/Accept/);
    expect(
      checkUpgradeResponse('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket', accept),
    ).toMatch(/Accept/);
    expect(checkUpgradeResponse('HTTP/1.1 1010 x', accept)).toMatch(/101/);
  });
});

describe('checkCloseFrame', () => {
  const unmasked = Uint8Array.of(0x88, 0x02, 0x03, 0xe8);

  it('accepts a Close 1000, unmasked (a server) or masked (the floor echoes ours)', () => {
    expect(checkCloseFrame(unmasked)).toBeUndefined();
    expect(checkCloseFrame(CLOSE_FRAME)).toBeUndefined();
  });

  it('is incomplete at every split point before the end of the frame', () => {
    for (const frame of [unmasked, CLOSE_FRAME])
      for (let n = 0; n < frame.length; n++)
        expect(checkCloseFrame(frame.subarray(0, n)), `${n} bytes`).toBe('incomplete');
  });

  it('refuses another opcode, a non-final frame, another code, no code, bytes after it', () => {
    expect(checkCloseFrame(Uint8Array.of(0x82, 0x02, 0x03, 0xe8))).toMatch(/0x82/);
    expect(checkCloseFrame(Uint8Array.of(0x08, 0x02, 0x03, 0xe8))).toMatch(/0x8/);
    expect(checkCloseFrame(Uint8Array.of(0x88, 0x02, 0x03, 0xe9))).toMatch(/1001/);
    expect(checkCloseFrame(Uint8Array.of(0x88, 0x00))).toMatch(/status code/);
    expect(checkCloseFrame(Uint8Array.of(0x88, 0x7e, 0x00))).toMatch(/126 B/);
    expect(checkCloseFrame(Uint8Array.of(...unmasked, 0x81))).toMatch(/after/);
  });

  it('sends a masked Close with code 1000 (RFC 6455 §5.1, §5.5.1)', () => {
    expect(CLOSE_FRAME[0]).toBe(0x88);
    expect(CLOSE_FRAME[1]).toBe(0x82);
    const key = CLOSE_FRAME.subarray(2, 6);
    expect([CLOSE_FRAME[6]! ^ key[0]!, CLOSE_FRAME[7]! ^ key[1]!]).toEqual([0x03, 0xe8]);
  });
});
