import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RouteAuth } from './edge-hooks';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A POST route on Fastify itself, for the two paths every client hits at full rate (a pulse, an event). Nest's
 * router (its execution context, pipes and response controller) cost a pulse 11 µs of 85 (bench/ANALYSIS.md).
 * Everything else is as on a Nest route: the edge hooks read `config`, the legacy parsers read the body, and a
 * thrown error reaches Nest's exception layer and leaves as the error envelope. `answer` returns the envelope's
 * exact bytes (serializeEnvelope's), so the reply serializer is skipped too.
 */
export function hotPost(
  fastify: FastifyInstance,
  paths: readonly string[],
  auth: RouteAuth,
  answer: (body: Record<string, unknown>, request: FastifyRequest) => Promise<string>,
): void {
  for (const url of paths) {
    fastify.route({
      method: 'POST',
      url,
      config: auth,
      handler: async (request, reply) => {
        const text = await answer((request.body as Record<string, unknown> | undefined) ?? {}, request);
        void reply.header('content-type', JSON_TYPE);
        return text;
      },
    });
  }
}
