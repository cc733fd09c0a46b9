import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** How much of an unread request body is drained after an early error, and for how long at most. */
export const LINGER_MAX_BYTES = 16 * 1048576;
export const LINGER_MAX_MS = 5000;
const LINGER_CHECK_MS = 20;

/**
 * An error answered before the body was read (413 on `content-length`, a limit hit mid-body) carries
 * `connection: close`, and Node then destroys the socket as soon as the answer is written. The client is
 * usually still sending: the kernel turns a close with unread bytes into a reset, and the reset can discard
 * the answer before the client reads it (a "broken pipe" instead of the 413). A lingering close sends the
 * answer and a FIN, keeps reading (and discarding) the body up to a bound, then closes.
 */
export function installLingeringClose(fastify: FastifyInstance): void {
  // callback style: this runs on every answer, and an async hook costs each one a promise
  fastify.addHook('onSend', (request, reply, payload, done) => {
    const closing = String(reply.getHeader('connection') ?? '').toLowerCase() === 'close';
    if (closing && !request.raw.complete && request.raw.socket) {
      lingerAfterAnswer(request.raw, request.raw.socket);
    }
    done(null, payload);
  });
}

function lingerAfterAnswer(request: IncomingMessage, socket: Socket): void {
  // Node calls destroySoon once the answer is written; this socket ends its side instead and drains
  socket.destroySoon = () => {
    socket.end();
    // The HTTP parser reads the socket itself (no 'data' events) and drops a dumped body: count bytesRead
    const start = socket.bytesRead;
    const close = (): void => {
      clearTimeout(timer);
      clearInterval(meter);
      socket.destroy();
    };
    const timer = setTimeout(close, LINGER_MAX_MS);
    const meter = setInterval(() => {
      if (socket.bytesRead - start > LINGER_MAX_BYTES) {
        close();
      }
    }, LINGER_CHECK_MS);
    timer.unref();
    meter.unref();
    // The whole body is in: closing now sends no reset
    request.once('end', close);
    socket.once('close', () => {
      clearTimeout(timer);
      clearInterval(meter);
    });
    request.resume();
  };
}
