import { Logger, NotFoundException } from '@nestjs/common';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { renderError } from './envelope.filter';
import { RouteIndex } from './route-index';

function fakeReply(sent: { status?: number; body?: string }): FastifyReply {
  const reply = {
    status: (status: number) => ((sent.status = status), reply),
    headers: () => reply,
    send: (body: string) => ((sent.body = body), reply),
  };
  return reply as unknown as FastifyReply;
}

// Found by the fuzzer: a client hanging up mid-body failed the body read with ECONNRESET, which was logged at
// error level as "store unavailable" (and answered 503 to nobody): anyone could fill the log with false outages.
describe('a client that hung up mid-body', () => {
  afterEach(() => jest.restoreAllMocks());

  const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });

  it('is not a store outage, and not logged', () => {
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const sent: { status?: number; body?: string } = {};
    renderError(
      aborted,
      { id: 'r1', url: '/event', raw: { aborted: true } } as unknown as FastifyRequest,
      fakeReply(sent),
    );
    expect(logged).not.toHaveBeenCalled();
    expect(sent).toEqual({ status: 400, body: '{"hint":"request aborted by the client","result":400}\n' });
  });

  it('while the same error from a store, with the client still there, stays a 503', () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const sent: { status?: number } = {};
    renderError(
      aborted,
      { id: 'r2', url: '/event', raw: { aborted: false } } as unknown as FastifyRequest,
      fakeReply(sent),
    );
    expect(sent.status).toBe(503);
  });
});

// Found by the fuzzer: a file missing under the console's `/gui/*` answered 405 "method not allowed" with
// `Allow: GET` to a GET, because the path matches a route whatever the file.
describe('a 404 from a route that takes the method', () => {
  const routes = new RouteIndex();

  beforeAll(async () => {
    const fastify = Fastify();
    routes.watch(fastify);
    fastify.get('/gui/*', async () => 'page');
    await fastify.ready();
  });

  it.each([
    ['GET', 404, 'not found'],
    ['HEAD', 404, 'not found'],
    ['POST', 405, 'method not allowed'],
  ])('%s of a missing file: %s', (method, status, hint) => {
    const sent: { status?: number; body?: string } = {};
    renderError(
      new NotFoundException(),
      { id: 'r3', method, url: '/gui/missing.js?v=1', raw: {} } as unknown as FastifyRequest,
      fakeReply(sent),
      routes,
    );
    expect(sent).toEqual({ status, body: `{"hint":"${hint}","result":${status}}\n` });
  });
});
