import Fastify, { FastifyInstance } from 'fastify';
import { AddressInfo, connect } from 'node:net';
import { renderError } from './envelope.filter';
import { answerClientError, answerFrameworkError, NODE_SERVER_OPTIONS, refuseMissingHost } from './transport-errors';

/** Writes `head` on a socket of its own and resolves with everything the server sent until it closed. */
async function exchange(port: number, head: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  socket.end(head);
  await new Promise((done) => socket.once('close', done));
  return Buffer.concat(chunks).toString('latin1');
}

async function listening(fastify: FastifyInstance): Promise<number> {
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  return (fastify.server.address() as AddressInfo).port;
}

// Found by the fuzzer (apps/api/test/fuzz): these answered Node's or Fastify's own bodies, without a hint.
describe('refusals before any route runs answer the envelope', () => {
  let fastify: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    fastify = Fastify({
      clientErrorHandler: answerClientError,
      frameworkErrors: answerFrameworkError,
      routerOptions: { maxParamLength: 10 },
      http: NODE_SERVER_OPTIONS,
    });
    fastify.addHook('onRequest', refuseMissingHost);
    // as the app's exception filter does
    fastify.setErrorHandler((error, request, reply) => renderError(error, request, reply));
    fastify.get('/heartbeat/:service', async () => 'found');
    fastify.post('/echo', async (request) => request.body);
    port = await listening(fastify);
  });
  afterAll(async () => fastify.close());

  it.each([
    ['a method Node does not know', 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a space in the target', 'GET /a b HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a control character in a header', 'GET / HTTP/1.1\r\nHost: x\r\npassword: a\x01b\r\n\r\n'],
    ['a content-length that is no number', 'POST / HTTP/1.1\r\nHost: x\r\ncontent-length: abc\r\n\r\n'],
    [
      'a chunk size that is no number',
      'POST /echo HTTP/1.1\r\nHost: x\r\ncontent-type: text/plain\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n\r\n',
    ],
  ])('%s: 400, malformed HTTP request', async (_name, head) => {
    const answer = await exchange(port, head);
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer).toContain('\r\nConnection: close\r\n');
    expect(answer.endsWith('\r\n\r\n{"hint":"malformed HTTP request","result":400}\n')).toBe(true);
  });

  it('an HTTP/1.1 request without Host: 400 with a hint (HTTP/1.0 needs none)', async () => {
    const answer = await exchange(port, 'GET /heartbeat/x HTTP/1.1\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer.endsWith('\r\n\r\n{"hint":"missing Host header","result":400}\n')).toBe(true);
    expect(await exchange(port, 'GET /heartbeat/x HTTP/1.0\r\n\r\n')).toMatch(/\r\n\r\nfound$/);
  });

  it('a head over 16 KiB: 431', async () => {
    const answer = await exchange(port, `GET /?q=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer.endsWith('{"hint":"request head too large (max 16 KiB)","result":431}\n')).toBe(true);
  });

  it('a path segment that does not percent-decode: 400', async () => {
    const answer = await fastify.inject({ method: 'GET', url: '/heartbeat/%zz' });
    expect([answer.statusCode, answer.body]).toEqual([
      400,
      '{"hint":"invalid URL: bad percent-encoding","result":400}\n',
    ]);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
  });

  it('a parameter over maxParamLength: 414', async () => {
    const answer = await fastify.inject({ method: 'GET', url: `/heartbeat/${'s'.repeat(11)}` });
    expect([answer.statusCode, answer.body]).toEqual([414, '{"hint":"path parameter too long","result":414}\n']);
    expect((await fastify.inject({ method: 'GET', url: `/heartbeat/${'s'.repeat(10)}` })).body).toBe('found');
  });
});

describe('a parser error after the request was answered', () => {
  // no async hook here, so the 404 is on the wire before the bad chunk is parsed
  it('leaves that answer alone and closes the connection: one request, one answer', async () => {
    const fastify = Fastify({ clientErrorHandler: answerClientError });
    try {
      const port = await listening(fastify);
      const answer = await exchange(
        port,
        'POST /nope HTTP/1.1\r\nHost: x\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n\r\n',
      );
      expect(answer).toMatch(/^HTTP\/1\.1 404 /);
      expect(answer.match(/HTTP\/1\.1 /g)).toHaveLength(1);
    } finally {
      await fastify.close();
    }
  });
});
