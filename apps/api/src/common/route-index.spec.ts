import Fastify from 'fastify';
import { RouteIndex } from './route-index';

describe(RouteIndex.name, () => {
  const routes = new RouteIndex();

  beforeAll(async () => {
    const fastify = Fastify();
    routes.watch(fastify);
    fastify.get('/hello', async () => ({}));
    fastify.post('/', async () => ({}));
    fastify.delete('/heartbeats/:service', async () => ({}));
    fastify.get('/gui/*', async () => ({}));
    await fastify.ready();
  });

  it('names the methods of a path, as the router matches it', () => {
    expect(routes.allowed('/hello')).toEqual(['GET']);
    expect(routes.allowed('/')).toEqual(['POST']);
    expect(routes.allowed('/heartbeats/a%2Fb')).toEqual(['DELETE']);
    expect(routes.allowed('/gui/app/x.js')).toEqual(['GET']);
  });

  // found by the fuzzer: GET /hello/ answered 405 "Allow: GET" while the router has no /hello/ at all
  it('knows no method for a path the router does not route, trailing slash included', () => {
    expect(routes.allowed('/hello/')).toEqual([]);
    expect(routes.allowed('//')).toEqual([]);
    expect(routes.allowed('/heartbeats/x/')).toEqual([]);
  });
});
