import Fastify, { FastifyInstance } from 'fastify';
import { registerLegacyBodyParsers } from './legacy-body';

// §3.7: routing (404/405) answers before the body is parsed. Found by the fuzzer: `POST /nope` with a
// malformed body answered 400 "invalid JSON body", and `PUT /heartbeat` with one 400 instead of 405.
describe('the legacy body parser leaves unrouted requests to routing', () => {
  let fastify: FastifyInstance;

  beforeAll(async () => {
    fastify = Fastify();
    registerLegacyBodyParsers(fastify, 1024);
    fastify.post('/event', async (request) => ({ body: request.body }));
    fastify.setNotFoundHandler(async (request, reply) => reply.code(404).send({ body: request.body ?? null }));
    await fastify.ready();
  });
  afterAll(async () => fastify.close());

  it.each([
    ['an unknown path', 'POST', '/nope'],
    ['a known path with another method', 'PUT', '/event'],
  ])('%s with a malformed body: the not-found handler runs, with no body', async (_name, method, url) => {
    const answer = await fastify.inject({
      method: method as 'POST',
      url,
      payload: '{"service":',
      headers: { 'content-type': 'application/json' },
    });
    expect([answer.statusCode, answer.json()]).toEqual([404, { body: null }]);
  });

  it('an unknown path with a Content-Type Fastify cannot parse: 404, not 415', async () => {
    const answer = await fastify.inject({
      method: 'POST',
      url: '/nope',
      payload: '{}',
      headers: { 'content-type': ';;;' },
    });
    expect([answer.statusCode, answer.json()]).toEqual([404, { body: null }]);
    const routed = await fastify.inject({
      method: 'POST',
      url: '/event',
      payload: '{}',
      headers: { 'content-type': ';;;' },
    });
    expect(routed.statusCode).toBe(415);
  });

  it('a routed request still has its body parsed, and refused when malformed', async () => {
    const good = await fastify.inject({ method: 'POST', url: '/event', payload: '{"service":"s"}' });
    expect(good.json()).toEqual({ body: { service: 's' } });
    const bad = await fastify.inject({ method: 'POST', url: '/event', payload: '{"service":' });
    expect(bad.statusCode).toBe(400);
  });
});
