import { UnrecoverableError } from 'bullmq';
import { postWithTimeout } from './http-post';
import { FakeHttp, unusedPort } from './test/fakes';

describe(postWithTimeout.name, () => {
  let fake: FakeHttp;

  beforeEach(async () => (fake = await FakeHttp.start()));
  afterEach(async () => fake.stop());

  const post = async (path = '/hook', timeoutMs?: number) =>
    postWithTimeout(
      `${fake.url}${path}`,
      { headers: { 'content-type': 'text/plain', 'x-test': '1' }, body: 'hello' },
      timeoutMs,
    );

  it('sends the headers and body as given and resolves on 2xx', async () => {
    fake.answer = { status: 204 };
    await expect(post()).resolves.toBeUndefined();
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      method: 'POST',
      path: '/hook',
      headers: { 'content-type': 'text/plain', 'x-test': '1' },
    });
    expect(fake.requests[0].raw.toString()).toBe('hello');
  });

  it.each([500, 502, 503, 408, 429])('throws a retryable Error on %d, with the answer', async (status) => {
    fake.answer = { status, body: 'try later' };
    const error = await post().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe(`POST ${fake.url} answered ${status}: try later`);
  });

  it.each([400, 401, 403, 404, 410, 301])('throws UnrecoverableError on %d, with the answer', async (status) => {
    fake.answer = { status, body: '{"user":"invalid","errors":["user identifier is invalid"],"status":0}' };
    const error = await post().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe(
      `POST ${fake.url} answered ${status}: {"user":"invalid","errors":["user identifier is invalid"],"status":0}`,
    );
  });

  it('keeps the first 200 characters of a long answer, on one line', async () => {
    fake.answer = { status: 400, body: `<html>\n  <body>${'z'.repeat(100_000)}</body>\n</html>` };
    const error = (await post().catch((e: unknown) => e)) as Error;
    const answer = error.message.slice(`POST ${fake.url} answered 400: `.length);
    expect(answer).toBe(`<html> <body>${'z'.repeat(186)}…`);
    expect(Array.from(answer)).toHaveLength(200);
  });

  it('says when the answer is empty', async () => {
    fake.answer = { status: 404 };
    await expect(post()).rejects.toThrow(`POST ${fake.url} answered 404: (empty body)`);
  });

  it('names the origin only, never the path where webhook URLs keep their secret', async () => {
    fake.answer = { status: 403, body: 'invalid_token' };
    const error = (await post('/services/T000/B000/SECRET').catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain('SECRET');
  });

  it('throws a retryable Error when the server never answers, after the timeout', async () => {
    fake.answer = 'hang';
    const started = Date.now();
    const error = await post('/hook', 200).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe(`POST ${fake.url} timed out after 200 ms`);
  });

  it('throws a retryable Error when the connection is refused', async () => {
    const port = await unusedPort();
    const error = await postWithTimeout(`http://127.0.0.1:${port}/x`, { headers: {}, body: '' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe(
      `POST http://127.0.0.1:${port} failed: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });

  it('throws UnrecoverableError for a target that is not a URL', async () => {
    await expect(postWithTimeout('not a url', { headers: {}, body: '' })).rejects.toThrow(UnrecoverableError);
  });
});
