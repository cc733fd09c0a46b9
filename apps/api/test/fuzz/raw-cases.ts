import fc from 'fast-check';
import { PASSWORD } from './fuzz-server';
import { FuzzAnswer } from './http';

// Malformed HTTP/1.1 heads that no client library would send, for the parser errors Node and Fastify answer
// before any route runs. Every case is complete or broken beyond repair: a request still waiting for its body
// when the client hangs up deserves no answer, so none is generated.

const METHOD = fc.constantFrom('GET', 'POST', 'DELETE', 'FOO', 'G ET', 'get', 'GET\u0000', '', 'M-SEARCH');
const TARGET = fc.constantFrom(
  '/',
  '/hello',
  '/a b',
  '/\u0001',
  '*',
  'http://elsewhere/hello',
  '/%zz',
  '/heartbeat/%c3%28',
  '/hello?\u007f',
  '/\u00e9',
  `/events?message=${'a'.repeat(20_000)}`,
  '',
);
const VERSION = fc.constantFrom(
  'HTTP/1.1',
  'HTTP/1.1',
  'HTTP/1.0',
  'HTTP/2.0',
  'HTTP/1.1x',
  'HTTP/9.9',
  'http/1.1',
  '',
);
const HEADER = fc.constantFrom(
  `password: ${PASSWORD}`,
  'password: a\u0001b',
  'NoColon',
  ' folded: x',
  'content-length: abc',
  'content-length: -1',
  'content-length: 0\r\ncontent-length: 1',
  'Bad Name: x',
  `x-big: ${'a'.repeat(20_000)}`,
  'content-type: application/json',
  'expect: 100-continue',
  'upgrade: h2c',
);
// complete chunked bodies, or a chunk size no parser accepts
const CHUNKED = fc.constantFrom(
  '0\r\n\r\n',
  'zz\r\nabc\r\n0\r\n\r\n',
  '5\r\n{"a":\r\n0\r\n\r\n',
  '-1\r\n\r\n',
  '0x5\r\nabcde\r\n0\r\n\r\n',
);

export const rawRequest: fc.Arbitrary<Buffer> = fc
  .record({
    method: METHOD,
    target: TARGET,
    version: VERSION,
    headers: fc.array(HEADER, { maxLength: 3 }),
    chunked: fc.option(fc.tuple(fc.constantFrom('chunked', 'gzip, chunked', 'chunked, gzip', 'gzip'), CHUNKED)),
    body: fc.option(fc.string({ unit: 'binary', maxLength: 50 })),
    host: fc.constantFrom(['Host: fuzz'], ['Host: fuzz'], ['Host: fuzz'], [], ['Host: a', 'Host: b'], ['Host:']),
  })
  .map(({ method, target, version, headers, chunked, body, host }) => {
    const lines = [`${method} ${target} ${version}`.trimEnd(), ...host, ...headers, 'Connection: close'];
    let payload = '';
    if (chunked !== null) {
      lines.push(`transfer-encoding: ${chunked[0]}`);
      payload = chunked[1];
    } else if (body !== null && !headers.some((line) => line.startsWith('content-length'))) {
      lines.push(`content-length: ${Buffer.byteLength(body)}`);
      payload = body;
    }
    return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(payload)]);
  });

/** Parser errors included: below 500, and a refusal is the envelope with a hint. */
export function judgeRaw(request: Buffer, answer: FuzzAnswer): void {
  const why = rawProblem(answer);
  if (why !== undefined) {
    const head = JSON.stringify(request.toString('latin1').slice(0, 300));
    throw new Error(`${why}\n  request: ${head}\n  answer: ${answer.status} ${answer.text.slice(0, 300)}`);
  }
}

function rawProblem(answer: FuzzAnswer): string | undefined {
  if (answer.statusLines !== 1) {
    return `${answer.statusLines} answers to one request`;
  }
  if (answer.status >= 500) {
    return `a ${answer.status}`;
  }
  if (answer.status >= 300 && answer.status < 400) {
    return answer.status === 302 && answer.headers.location === '/gui' ? undefined : `an unexpected ${answer.status}`;
  }
  if (answer.status < 400 || answer.text === '') {
    // a HEAD-like answer without a body can only be a success here
    return answer.status < 400 ? undefined : `a ${answer.status} without a body`;
  }
  try {
    const body = JSON.parse(answer.text) as { hint?: unknown; result?: unknown };
    return typeof body.hint === 'string' && body.hint !== '' && body.result === answer.status
      ? undefined
      : `a ${answer.status} without the envelope's hint`;
  } catch {
    return `a ${answer.status} that is not JSON`;
  }
}
