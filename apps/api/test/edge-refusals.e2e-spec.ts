import { Logger } from '@nestjs/common';
import { connect } from 'node:net';
import { TestApp, TestStores } from './app';

/** Writes `head` on a socket of its own; resolves with what the server sent until it closed. */
async function exchange(app: TestApp, head: string, hangUpAfterMs?: number): Promise<string> {
  const socket = connect(Number(new URL(app.url).port), '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', () => undefined);
  const closed = new Promise((done) => socket.once('close', done));
  if (hangUpAfterMs === undefined) {
    socket.end(head);
  } else {
    socket.write(head);
    setTimeout(() => socket.destroy(), hangUpAfterMs);
  }
  await closed;
  return Buffer.concat(chunks).toString('latin1');
}

// What the fuzzer (apps/api/test/fuzz) found at the edge, through the real app: every refusal is the envelope
// with a hint, routing answers first, a bare OPTIONS is a preflight like any other.
describe('refusals at the edge (§3.2, §3.7; issue 10, hostile input)', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ AUTH_FAILURES_PER_MINUTE: '0' });
  });
  afterAll(async () => stores.destroy());

  it('a request Node cannot parse: 400 with a hint', async () => {
    const answer = await exchange(app, 'FOO / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer.endsWith('\r\n\r\n{"hint":"malformed HTTP request","result":400}\n')).toBe(true);
  });

  it('an HTTP/1.1 request without Host: 400 with a hint, on the watchTower routes and the ingest alike', async () => {
    const answer = await exchange(app, 'GET /hello HTTP/1.1\r\npassword: x\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer.endsWith('\r\n\r\n{"hint":"missing Host header","result":400}\n')).toBe(true);
    const ingest = await exchange(app, 'POST /api/v1/ingest HTTP/1.1\r\ncontent-length: 0\r\n\r\n');
    expect(ingest.endsWith('\r\n\r\n{"error":"missing Host header"}')).toBe(true);
  });

  it('a head over 16 KiB: 431 with a hint', async () => {
    const res = await app.request('GET', `/events?message=${'a'.repeat(20_000)}`);
    expect([res.status, res.json]).toEqual([431, { hint: 'request head too large (max 16 KiB)', result: 431 }]);
  });

  it('a service path that does not percent-decode: 400; one over the parameter limit: 414', async () => {
    const bad = await app.request('GET', '/heartbeat/%zz');
    expect([bad.status, bad.json]).toEqual([400, { hint: 'invalid URL: bad percent-encoding', result: 400 }]);
    const long = await app.request('GET', `/heartbeat/${'s'.repeat(3061)}`);
    expect([long.status, long.json]).toEqual([414, { hint: 'path parameter too long', result: 414 }]);
  });

  it('routing answers before the body is judged: 404 for an unknown path, 405 for a wrong method', async () => {
    const unknown = await app.request('POST', '/nope', { raw: '{"service":' });
    expect([unknown.status, unknown.json.hint]).toEqual([404, 'not found']);
    const wrongMethod = await app.request('PUT', '/heartbeat', { raw: '{"service":' });
    expect([wrongMethod.status, wrongMethod.json.hint, wrongMethod.headers.get('allow')]).toEqual([
      405,
      'method not allowed',
      'DELETE, POST',
    ]);
  });

  it('a trailing slash is another path: 404, not 405 with "Allow: GET"', async () => {
    const res = await app.request('GET', '/hello/');
    expect([res.status, res.json.hint]).toEqual([404, 'not found']);
  });

  it('OPTIONS without Origin or Access-Control-Request-Method: 204, as every preflight', async () => {
    const res = await fetch(`${app.url}/heartbeat`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
  });

  it('a client hanging up mid-body is not logged as a store outage', async () => {
    const logged: string[] = [];
    const spy = jest
      .spyOn(Logger.prototype, 'error')
      .mockImplementation((message: unknown) => void logged.push(String(message)));
    try {
      await exchange(
        app,
        `POST /event HTTP/1.1\r\nHost: x\r\npassword: ${app.password}\r\ncontent-length: 1000\r\n\r\n{"s`,
        100,
      );
      // the server has seen the reset once another request is answered
      expect((await app.request('GET', '/hello')).status).toBe(200);
      expect(logged).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });
});
