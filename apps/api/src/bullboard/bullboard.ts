import { createHash, timingSafeEqual } from 'node:crypto';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthThrottle } from '../common/auth-throttle';

const REALM = 'Basic realm="Watchtower Bull Board", charset="UTF-8"';
const UNAUTHORIZED_BODY = '{"hint":"bull board needs the admin password","result":401}';
const NOT_FOUND_BODY = '{"hint":"no such bull board page","result":404}';
const BLOCKED_BODY = '{"hint":"too many failed authentications, retry later","result":429}';

/** The failed-authentication throttle every door shares (AuthThrottle); the board spends it on wrong passwords. */
export type BoardThrottle = Pick<AuthThrottle, 'attempt' | 'blockedFor'>;

/**
 * Mounts Bull Board over `queues` under `basePath`, behind HTTP basic auth (any user name, `password`),
 * throttled by `throttle` when given.
 * Everything lives in one encapsulated plugin, so its auth hook, JSON parser and 404 handler never touch
 * the other routes of `fastify`. Call it before the instance is ready (before `listen` or Nest's `init`).
 */
export async function mountBullBoard(
  fastify: FastifyInstance,
  queues: Queue[],
  password: string,
  basePath = '/bullboard',
  throttle?: BoardThrottle,
): Promise<void> {
  if (password === '') {
    throw new Error('mountBullBoard: the admin password must not be empty');
  }
  const prefix = normalizeBasePath(basePath);
  const expected = sha256(password);

  const serverAdapter = new FastifyAdapter().setBasePath(prefix);
  createBullBoard({
    queues: queues.map((queue) => new BullMQAdapter(queue)),
    serverAdapter,
  });

  await fastify.register(
    async (board) => {
      // Runs for the HTML, the static files, the JSON API and this scope's 404s alike.
      board.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
        const given = basicAuthPassword(request.headers.authorization);
        const matches = (): boolean => given !== undefined && timingSafeEqual(sha256(given), expected);
        // A request without credentials is the browser asking for the challenge, not a guess: it spends nothing
        let retryAfter = 0;
        if (throttle === undefined) {
          if (matches()) {
            return;
          }
        } else if (given === undefined) {
          retryAfter = await throttle.blockedFor(request.ip);
        } else {
          const verdict = await throttle.attempt(request.ip, matches);
          if (verdict.outcome === 'allowed') {
            return;
          }
          retryAfter = verdict.outcome === 'blocked' ? verdict.retryAfter : 0;
        }
        if (retryAfter > 0) {
          return reply
            .code(429)
            .header('retry-after', String(retryAfter))
            .type('application/json; charset=utf-8')
            .send(BLOCKED_BODY);
        }
        return reply
          .code(401)
          .header('www-authenticate', REALM)
          .type('application/json; charset=utf-8')
          .send(UNAUTHORIZED_BODY);
      });

      // The app's root serializer wraps objects in the watchTower envelope; the board's API wants plain JSON.
      board.setReplySerializer((payload) => JSON.stringify(payload));
      // The app's root parsers keep raw buffers; the board's API expects parsed JSON bodies.
      board.removeAllContentTypeParsers();
      const parseJson = board.getDefaultJsonParser('error', 'error');
      board.addContentTypeParser<string>('application/json', { parseAs: 'string' }, (request, body, done) => {
        // `curl -X PUT -H 'content-type: application/json'` without a body is a bodiless action, not a 400
        if (body === '') {
          done(null, undefined);
          return;
        }
        void parseJson(request, body, done);
      });

      // Without it an unknown path under the prefix would skip the auth hook and reach the app's 404.
      board.setNotFoundHandler(async (_request, reply) =>
        reply.code(404).type('application/json; charset=utf-8').send(NOT_FOUND_BODY),
      );

      await board.register(serverAdapter.registerPlugin());
    },
    { prefix },
  );
}

/** The password of an `Authorization: Basic ...` header (the user name is ignored), or undefined. */
export function basicAuthPassword(header: string | undefined): string | undefined {
  const match = /^basic[ \t]+([A-Za-z0-9+/]+={0,2})[ \t]*$/i.exec(header ?? '');
  if (match === null) {
    return undefined;
  }
  const credentials = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = credentials.indexOf(':');
  return colon === -1 ? undefined : credentials.slice(colon + 1);
}

// Hashing both sides gives timingSafeEqual equal lengths and hides the configured password's length.
function sha256(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function normalizeBasePath(basePath: string): string {
  const prefix = basePath.replace(/\/+$/, '');
  if (!/^\/[^?#\s]+$/.test(prefix)) {
    throw new Error(`mountBullBoard: basePath must be an absolute path below the root, got '${basePath}'`);
  }
  return prefix;
}
