/// <reference types="node" />
import type { Socket } from 'node:net';
import { type OutgoingHeaders, rejectResponse } from '@ws/handshake';

export function noop(): void {}

/**
 * Answers a refused handshake with `status` and closes the socket once the answer is written
 * (RFC 6455 §4.2.1: for a request that is not a valid handshake, the server "MUST stop
 * processing the client's handshake and return an HTTP response with an appropriate error
 * code").
 * What the peer still sends is read and dropped meanwhile: closing a socket with unread input
 * makes the kernel send a reset, which can destroy the answer before the peer reads it.
 */
export function refuse(
  socket: Socket,
  status: number,
  reason: string,
  headers?: OutgoingHeaders,
): void {
  if (socket.destroyed) return;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  let bytes: Uint8Array;
  try {
    bytes = rejectResponse(status, { reason, headers });
  } catch {
    // Headers from a verify hook that cannot be sent (a CR in a value…): the status still goes.
    bytes = rejectResponse(status, { reason });
  }
  socket.on('error', noop);
  socket.on('data', noop);
  socket.resume();
  socket.once('finish', socket.destroy);
  socket.end(bytes);
}
