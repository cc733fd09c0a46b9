import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { serializeEnvelope } from './envelope';
import { HintedError } from './hinted-error';
import { RouteIndex } from './route-index';

const logger = new Logger('Errors');

/**
 * Logged text that came from a client (service names, messages, targets) on one line: a CR or LF in it would
 * otherwise start a forged log line. Backslashes are doubled too, so an escape cannot be faked either.
 */
export function oneLine(text: string): string {
  return text.replace(
    /[\\\r\n\u2028\u2029]/g,
    (c) => ({ '\\': '\\\\', '\r': '\\r', '\n': '\\n' })[c] ?? `\\u${c.charCodeAt(0).toString(16)}`,
  );
}

/** An error's message on one line, then its stack frames (whose lines are ours, not a client's). */
function describe(error: unknown): string {
  if (!(error instanceof Error)) {
    return oneLine(String(error));
  }
  const stack = error.stack ?? '';
  const frames = stack.indexOf('\n    at ');
  return `${error.name}: ${oneLine(error.message)}${frames >= 0 ? stack.slice(frames) : ''}`;
}

/**
 * Turns any failure into the envelope with a real status (§3.7). Nest routes Fastify's errors (body
 * limit, parsing, onRequest hooks, unmatched routes) through its exception layer, so they arrive here too.
 */
export function renderError(error: unknown, request: FastifyRequest, reply: FastifyReply, routes?: RouteIndex): void {
  const { status, hint, headers } = classify(error, request, routes);
  void reply
    .status(status)
    .headers({ ...headers, 'content-type': 'application/json' })
    .send(serializeEnvelope({ hint, result: status }));
}

function classify(
  error: unknown,
  request: FastifyRequest,
  routes?: RouteIndex,
): { status: number; hint: string; headers: Record<string, string> } {
  if (error instanceof HintedError) {
    return { status: error.status, hint: error.hint, headers: error.headers };
  }
  // Nest wraps Fastify's own errors (body limit, parsing) in an HttpException whose cause keeps the code.
  const code = ((error instanceof HttpException ? error.cause : error) as { code?: string } | undefined)?.code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return { status: 413, hint: 'request body too large', headers: {} };
  }
  if (code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
    return { status: 400, hint: 'invalid JSON body', headers: {} };
  }
  if (error instanceof HttpException && error.getStatus() === 404) {
    const allowed = routes?.allowed(request.url.split('?')[0]) ?? [];
    // A route that takes this very method and still found nothing (a missing file under /gui/*) is a 404
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    if (allowed.length > 0 && !allowed.includes(method)) {
      return { status: 405, hint: 'method not allowed', headers: { allow: allowed.join(', ') } };
    }
    return { status: 404, hint: 'not found', headers: {} };
  }
  if (error instanceof HttpException && error.getStatus() < 500) {
    return { status: error.getStatus(), hint: error.message, headers: {} };
  }
  // A client that hung up mid-body fails the body read with ECONNRESET, which would read as a store outage;
  // nobody is left to answer, and it is no fault of ours to log
  if (request.raw?.aborted) {
    return { status: 400, hint: 'request aborted by the client', headers: {} };
  }
  if (isStoreDown(error)) {
    logger.error(`store unavailable (ref ${request.id}): ${oneLine((error as Error).message)}`);
    return { status: 503, hint: 'unavailable, retry later', headers: { 'retry-after': '5' } };
  }
  logger.error(`internal error (ref ${request.id}): ${describe(error)}`);
  return { status: 500, hint: `internal error (ref ${request.id})`, headers: {} };
}

/** A store (PostgreSQL or Redis) that cannot be reached or dropped the connection: nothing about the request. */
export function isStoreDown(error: unknown): boolean {
  const message = (error as Error)?.message ?? '';
  const code = (error as { code?: string }).code ?? '';
  return (
    ['ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', '57P01', '57P03'].includes(code) ||
    /Connection is closed|connect ECONNREFUSED|Connection terminated|max retries per request|Command timed out|Stream isn't writeable|timeout exceeded when trying to connect/i.test(
      message,
    ) ||
    (error instanceof QueryFailedError && /terminat/i.test(message))
  );
}

@Catch()
export class EnvelopeFilter implements ExceptionFilter {
  constructor(private readonly routes: RouteIndex) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    renderError(error, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.routes);
  }
}
