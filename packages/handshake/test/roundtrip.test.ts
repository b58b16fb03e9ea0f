import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRequest } from '../src/client-request.js';
import { validateResponse } from '../src/client-validate.js';
import { HeadReader, parseRequestHead, parseResponseHead } from '../src/head-parser.js';
import { generateKey } from '../src/key.js';
import { acceptResponse, rejectResponse } from '../src/server-response.js';
import { validateRequest } from '../src/server-validate.js';
import { extensionOffer, token } from './arbitraries.js';
import { concat, HELLO_FRAME } from './vectors.js';

describe('request → parseRequestHead → validateRequest → acceptResponse → parseResponseHead → validateResponse', () => {
  it('agrees on protocol and extensions for arbitrary offers', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.uniqueArray(token(), { maxLength: 5 }),
        fc.array(extensionOffer(), { maxLength: 3 }),
        fc.nat(),
        (nonce, protocols, extensions, pick) => {
          const key = generateKey((bytes) => bytes.set(nonce));
          const request = buildRequest('ws://example.com:8080/socket?x=1', {
            key,
            protocols,
            extensions,
            origin: 'https://example.com',
          });
          const parsedRequest = parseRequestHead(concat(request, HELLO_FRAME));
          if (parsedRequest.state !== 'complete')
            throw new Error(`request head: ${parsedRequest.state}`);
          expect(parsedRequest.consumed).toBe(request.length);
          const validated = validateRequest(parsedRequest.head);
          if (!validated.ok) throw new Error(validated.rejection.reason);
          const { handshake } = validated;
          expect(handshake).toEqual({
            key,
            protocols,
            extensions,
            origin: 'https://example.com',
            host: 'example.com:8080',
            url: '/socket?x=1',
          });
          const chosen = protocols.length === 0 ? undefined : protocols[pick % protocols.length];
          const accepted = extensions.slice(0, 1);
          const response = acceptResponse({
            key: handshake.key,
            protocol: chosen,
            extensions: accepted,
          });
          const reader = new HeadReader('response');
          const parsedResponse = reader.push(concat(response, HELLO_FRAME));
          if (parsedResponse.state !== 'complete')
            throw new Error(`response head: ${parsedResponse.state}`);
          expect(Array.from(parsedResponse.rest)).toEqual(Array.from(HELLO_FRAME));
          expect(
            validateResponse(parsedResponse.head, {
              key,
              protocols,
              extensions: extensions.map((e) => e.name),
            }),
          ).toEqual({ ok: true, protocol: chosen, extensions: accepted });
        },
      ),
    );
  });

  it('a rejection parses as a non-101 answer the client reports', () => {
    const key = generateKey();
    const parsed = parseRequestHead(buildRequest('ws://h/', { key }));
    if (parsed.state !== 'complete') throw new Error('request must parse');
    const validated = validateRequest({
      ...parsed.head,
      headers: parsed.head.headers.filter(([name]) => name !== 'Sec-WebSocket-Version'),
    });
    if (validated.ok) throw new Error('a request without version must be refused');
    const response = parseResponseHead(
      rejectResponse(validated.rejection.status, validated.rejection),
    );
    if (response.state !== 'complete') throw new Error('rejection must parse');
    expect(response.head.status).toBe(426);
    expect(response.head.headers).toContainEqual(['Sec-WebSocket-Version', '13']);
    expect(validateResponse(response.head, { key })).toMatchObject({
      ok: false,
      error: { kind: 'unexpected-status', status: 426 },
    });
  });
});
