import { FastifyInstance, FastifyRequest } from 'fastify';
import { HintedError } from './hinted-error';

/** Nesting depth of a body (§3.3), and of an agent message: JSON.stringify overflows the stack near 10,000. */
export const MAX_DEPTH = 32;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * The watchTower clients send JSON under any content type (or none), and the JavaScript client sends
 * forms (§3.3). Parsing runs after the onRequest authentication hook, so a bad password with a bad
 * body answers 403, and Fastify's bodyLimit answers 413 before any parsing.
 */
export function registerLegacyBodyParsers(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.removeAllContentTypeParsers();
  // Fastify answers an unparsable Content-Type (415) before anything looks at the route; without one, the
  // header can only be about a body nobody reads
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    if (request.is404) {
      delete request.headers['content-type'];
    }
    done(null, payload);
  });
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (request: FastifyRequest, raw: Buffer, done) => {
    // No route (404) or not this method (405): routing answers before the body is judged (§3.7)
    if (request.is404) {
      done(null, undefined);
      return;
    }
    try {
      done(null, parseLegacyBody(request.headers['content-type'], raw));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

export function parseLegacyBody(contentType: string | undefined, raw: Buffer): Record<string, unknown> {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'multipart/form-data') {
    throw new HintedError(400, 'unsupported content type');
  }
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new HintedError(400, 'invalid JSON body');
  }
  // `curl -d '{"service":...}'` labels JSON as a form; no real form body starts with "{", so read it as JSON.
  if (type === 'application/x-www-form-urlencoded' && !text.trimStart().startsWith('{')) {
    // Object.fromEntries keeps the last value of a repeated key, as §3.3 asks.
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (text.trim() === '') {
    return {};
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new HintedError(400, 'invalid JSON body');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new HintedError(400, 'invalid body: expected a JSON object');
  }
  if (tooDeep(parsed)) {
    throw new HintedError(400, 'invalid body: nesting too deep');
  }
  return parsed as Record<string, unknown>;
}

/** Whether `value` nests deeper than MAX_DEPTH levels; stops counting there, so it costs no deep recursion. */
export function tooDeep(value: unknown): boolean {
  return depth(value, 1) > MAX_DEPTH;
}

function depth(value: unknown, level: number): number {
  if (level > MAX_DEPTH || typeof value !== 'object' || value === null) {
    return level;
  }
  let max = level;
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) {
      max = Math.max(max, depth(child, level + 1));
      if (max > MAX_DEPTH) {
        break;
      }
    }
  }
  return max;
}
