// Closing a socket while the client is still sending makes the kernel answer with a RST, and a client that
// receives a RST may drop our 413 from its receive buffer before reading it (it then sees EPIPE/ECONNRESET
// instead of ENVELOPE_TOO_LARGE). Like nginx's lingering close: send the answer and our FIN, then read and
// discard what the client still sends — at most LINGER_MAX_BYTES or LINGER_MS — before closing for good.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export const LINGER_MS = 2000;
export const LINGER_MAX_BYTES = 8 * 1024 * 1024;

/** Call before sending an answer with `Connection: close` to a request whose body is left unread. */
export function closeAfterAnswerLingering(request: IncomingMessage): void {
  const socket: Socket = request.socket;
  let discarded = 0;
  const close = (): void => {
    clearTimeout(timer);
    socket.destroy();
  };
  const timer = setTimeout(close, LINGER_MS);
  timer.unref();
  // Node ends a `Connection: close` response with socket.destroySoon(): half-close instead, keep reading
  socket.destroySoon = function lingeringDestroySoon(this: Socket): void {
    this.end();
  };
  socket.once('end', close);
  socket.once('close', () => clearTimeout(timer));
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_MAX_BYTES) close();
  });
  request.resume();
}
