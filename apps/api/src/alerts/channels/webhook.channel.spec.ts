import { UnrecoverableError } from 'bullmq';
import { createHmac } from 'node:crypto';
import { Clock } from '../../common/clock';
import { SlackChannel } from './slack.channel';
import { WebhookChannel } from './webhook.channel';
import { alertJob, DELIVERY_ID, FakeHttp, NOW, testEnv, unusedPort } from './test/fakes';

const SECRET = 'whsec-3f9a';
const SENT_AT = NOW + 42;

/** A clock stopped at SENT_AT, so the signed timestamp is known. */
function clock(): Clock {
  const stopped = new Clock();
  stopped.nowMs = () => SENT_AT * 1000;
  return stopped;
}

describe(WebhookChannel.name, () => {
  let fake: FakeHttp;

  beforeEach(async () => (fake = await FakeHttp.start()));
  afterEach(async () => fake.stop());

  it('posts the alert as JSON, signed with an HMAC of the timestamp and the exact raw body', async () => {
    const channel = new WebhookChannel(testEnv({ WEBHOOK_SECRET: SECRET }), clock());
    expect(channel.configured).toBe(true);
    await channel.send(
      alertJob({ type: 'webhook', target: `${fake.url}/hooks/watchtower?team=ops`, service: 'svcé' }),
      DELIVERY_ID,
    );

    expect(fake.requests).toHaveLength(1);
    const [request] = fake.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/hooks/watchtower?team=ops');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('watchtower');
    // the job's id, the same on every retry: a receiver drops a delivery it already took
    expect(request.headers['x-watchtower-delivery']).toBe(DELIVERY_ID);
    // what a receiver does: HMAC over "<timestamp>." and the bytes as received, compared before parsing anything
    // (changed by design: the body alone could be replayed; the timestamp is covered now)
    expect(request.headers['x-watchtower-timestamp']).toBe(String(SENT_AT));
    const signed = Buffer.concat([Buffer.from(`${SENT_AT}.`), request.raw]);
    const expected = `sha256=${createHmac('sha256', SECRET).update(signed).digest('hex')}`;
    expect(request.headers['x-watchtower-signature']).toBe(expected);
    expect(request.raw.toString('utf8')).toBe(
      '{"kind":"down","service":"svcé","title":"Service svcA has not pulsed",' +
        '"body":"The service svcA is not pulsing since 20261121 23:34:19","date":1795300524,' +
        `"context":{"lastPulse":${NOW - 65},"lateBySeconds":5,"nextIn":60,` +
        `"recentEvents":[{"date":${NOW - 300},"level":3,"message":"disk almost full"}]}}`,
    );
  });

  it('omits the signature without WEBHOOK_SECRET', async () => {
    await new WebhookChannel(testEnv(), clock()).send(
      alertJob({ kind: 'up', target: `${fake.url}/h`, context: {} }),
      DELIVERY_ID,
    );
    expect(fake.requests[0].headers).not.toHaveProperty('x-watchtower-signature');
    expect(fake.requests[0].headers).not.toHaveProperty('x-watchtower-timestamp');
    expect(JSON.parse(fake.requests[0].raw.toString())).toEqual({
      kind: 'up',
      service: 'svcA',
      title: 'Service svcA has not pulsed',
      body: 'The service svcA is not pulsing since 20261121 23:34:19',
      date: NOW,
      context: {},
    });
  });

  // changed by design: the answer of a target a pulse chose stays out of the job, which could read internal pages
  it('fails for good on a 4xx, naming the status and origin only', async () => {
    fake.answer = { status: 400, body: 'unknown service' };
    const error = await new WebhookChannel(testEnv(), clock())
      .send(alertJob({ target: `${fake.url}/h` }), DELIVERY_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe(`POST ${fake.url} answered 400`);
  });

  it('retries on a 5xx, a timeout and a refused connection', async () => {
    const channel = new WebhookChannel(testEnv(), clock());
    channel.timeoutMs = 200;
    fake.answer = { status: 503, body: 'maintenance' };
    const refused = `http://127.0.0.1:${await unusedPort()}/h`;
    const errors = [await channel.send(alertJob({ target: `${fake.url}/h` }), DELIVERY_ID).catch((e: unknown) => e)];
    fake.answer = 'hang';
    errors.push(await channel.send(alertJob({ target: `${fake.url}/h` }), DELIVERY_ID).catch((e: unknown) => e));
    errors.push(await channel.send(alertJob({ target: refused }), DELIVERY_ID).catch((e: unknown) => e));
    expect(errors.map((e) => [e instanceof Error, e instanceof UnrecoverableError])).toEqual([
      [true, false],
      [true, false],
      [true, false],
    ]);
    expect((errors[1] as Error).message).toMatch(/timed out after 200 ms$/);
  });
});

describe('alert targets a pulse chose (SSRF)', () => {
  let fake: FakeHttp;

  beforeEach(async () => (fake = await FakeHttp.start()));
  afterEach(async () => fake.stop());

  it.each([
    ['webhook', (env: ReturnType<typeof testEnv>) => new WebhookChannel(env, clock())],
    ['slack', (env: ReturnType<typeof testEnv>) => new SlackChannel(env)],
  ])('%s refuses a target on 127.0.0.1 for good, without connecting', async (_type, make) => {
    const error = await make(testEnv({ ALERT_ALLOW_PRIVATE_TARGETS: 'false' }))
      .send(alertJob({ target: `${fake.url}/h` }), DELIVERY_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toMatch(
      /^POST http:\/\/127\.0\.0\.1:\d+ refused: 127\.0\.0\.1 resolves to a private/,
    );
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses a host name that resolves to localhost', async () => {
    const port = new URL(fake.url).port;
    const error = await new WebhookChannel(testEnv({ ALERT_ALLOW_PRIVATE_TARGETS: 'false' }), clock())
      .send(alertJob({ target: `http://localhost:${port}/h` }), DELIVERY_ID)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toMatch(/refused: localhost resolves to a private address/);
    expect(fake.requests).toHaveLength(0);
  });

  it('delivers to loopback with ALERT_ALLOW_PRIVATE_TARGETS=true', async () => {
    await new WebhookChannel(testEnv({ ALERT_ALLOW_PRIVATE_TARGETS: 'true' }), clock()).send(
      alertJob({ target: `${fake.url}/h` }),
      DELIVERY_ID,
    );
    expect(fake.requests).toHaveLength(1);
  });
});
