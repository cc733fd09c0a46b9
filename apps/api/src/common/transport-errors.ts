import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { renderError } from './envelope.filter';
import { serializeEnvelope } from './envelope';
import { HintedError } from './hinted-error';

// Requests refused before any route runs still answer the envelope with a hint (§3.7): Node's HTTP parser
// (a bad request line, a control character in a header, a head over 16 KiB) and Fastify's router (a path
// segment that does not percent-decode, a parameter over maxParamLength) otherwise answer bodies of their own.

type ClientSocket = Duplex & { _httpMessage?: { headersSent?: boolean } | null };

/** Fastify's `clientErrorHandler`: the socket has no request object yet, so the answer is written by hand. */
export function answerClientError(error: NodeJS.ErrnoException, socket: ClientSocket): void {
  // a reset or a socket already gone has nobody left to read an answer
  if (error.code === 'ECONNRESET' || socket.destroyed) {
    return;
  }
  // A bad chunk after the head: the request may already have its answer (a 404, a 403 sent before the body
  // was read). A second status line would corrupt the stream; Node's own handler makes the same check.
  if (socket._httpMessage?.headersSent) {
    socket.destroy(error);
    return;
  }
  const [status, hint] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'request head too large (max 16 KiB)']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'request timeout']
        : [400, 'malformed HTTP request'];
  const body = serializeEnvelope({ hint, result: status });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * HTTP/1.1 requires Host (RFC 9112 §3.2). Node's own check answers a bare 400 with no body, so the server is
 * created with `requireHostHeader: false` (NODE_SERVER_OPTIONS) and this onRequest hook refuses instead.
 */
export const NODE_SERVER_OPTIONS = { requireHostHeader: false };

// Callback style, as the other per-request hooks: an async hook costs every request a promise and a microtask turn.
export function refuseMissingHost(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void {
  if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
    done(new HintedError(400, 'missing Host header'));
    return;
  }
  done();
}

/** Fastify's `frameworkErrors`: URLs the router cannot match at all. */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.code === 'FST_ERR_BAD_URL') {
    renderError(new HintedError(400, 'invalid URL: bad percent-encoding'), request, reply);
  } else if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    renderError(new HintedError(414, 'path parameter too long'), request, reply);
  } else {
    renderError(error, request, reply);
  }
}
