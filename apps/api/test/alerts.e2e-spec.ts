import { createHmac } from 'node:crypto';
import { eventually, QUEUE, TestApp, TestStores } from './app';
import { allJobs, sleep, sleepUntil } from './jobs';
import { FakeProviders, startSmtp } from './providers';
import Redis from 'ioredis';
import { TEST_REDIS_URL } from './stores';

const SECRET = 'webhook-secret';

describe('alert delivery through real providers (issue #3)', () => {
  let stores: TestStores;
  let app: TestApp;
  let fake: FakeProviders;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  beforeAll(async () => {
    fake = await FakeProviders.start();
    smtp = await startSmtp();
    stores = await TestStores.create();
    app = await stores.start({
      SMTP_URL: smtp.url,
      MAIL_FROM: 'watchtower@example.org',
      PUSHOVER_TOKEN: 'app-token',
      PUSHOVER_API_URL: `${fake.url}/pushover`,
      WEBHOOK_SECRET: SECRET,
      PUBLIC_URL: 'https://watch.example.org',
      ALERT_BACKOFF_MS: '50',
      HEARTBEAT_DEFAULT_ALERT_TYPE: 'webhook',
      HEARTBEAT_DEFAULT_ALERT_TARGET: `${fake.url}/event-hook`,
    });
  });
  afterAll(async () => {
    await stores.destroy();
    await fake.stop();
    await smtp.stop();
  });

  const pulse = async (service: string, alertType: string, alertTarget: string, nextIn = 1, extra = {}) => {
    const res = await app.request('POST', '/heartbeat', {
      body: { service, alertType, alertTarget, nextIn, ...extra },
    });
    expect(res.status).toBe(200);
    return res.json.heartBeat as { expected: number; last: number };
  };

  it('mails a readable "has not pulsed" with its context, then "pulsing again"', async () => {
    await app.request('POST', '/event', { body: { service: 'cron-backup', message: 'started nightly run', level: 2 } });
    await pulse('cron-backup', 'mail', 'ops@example.org, oncall@example.org');
    const down = await eventually(async () => {
      expect(smtp.mails).toHaveLength(1);
      return smtp.mails[0];
    }, 6000);
    expect(down.to).toEqual(['ops@example.org', 'oncall@example.org']);
    expect(down.from).toBe('watchtower@example.org');
    expect(down.raw).toMatch(/^Subject: Service cron-backup has not pulsed\r?$/m);
    const body = down.raw.replace(/=\r?\n/g, '');
    expect(body).toContain('The service cron-backup is not pulsing since');
    expect(body).toMatch(/Last pulse: \d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    expect(body).toContain('started nightly run');

    await pulse('cron-backup', 'mail', 'ops@example.org', 60);
    await eventually(async () => expect(smtp.mails).toHaveLength(2), 6000);
    expect(smtp.mails[1].raw).toMatch(/^Subject: Service cron-backup is pulsing again\r?$/m);
  });

  it('posts to Pushover with the application token and the user key', async () => {
    await pulse('po', 'pushover', 'user-key-1');
    const [request] = await eventually(async () => {
      expect(fake.on('/pushover')).toHaveLength(1);
      return fake.on('/pushover');
    }, 6000);
    expect(request.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const form = new URLSearchParams(request.raw);
    expect(form.get('token')).toBe('app-token');
    expect(form.get('user')).toBe('user-key-1');
    expect(form.get('title')).toBe('Service po has not pulsed');
    expect(form.get('message')).toContain('The service po is not pulsing since');
  });

  // changed by design (replay protection): the signature covers "<timestamp>.<raw body>"
  it('signs webhook payloads with HMAC-SHA256 over the timestamp and the raw body', async () => {
    const { expected } = await pulse('hooked', 'webhook', `${fake.url}/hook`);
    const [request] = await eventually(async () => {
      expect(fake.on('/hook')).toHaveLength(1);
      return fake.on('/hook');
    }, 6000);
    const timestamp = Number(request.headers['x-watchtower-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(300);
    const signature = createHmac('sha256', SECRET).update(`${timestamp}.${request.raw}`).digest('hex');
    expect(request.headers['x-watchtower-signature']).toBe(`sha256=${signature}`);
    const payload = JSON.parse(request.raw);
    expect(payload).toMatchObject({ kind: 'down', service: 'hooked', title: 'Service hooked has not pulsed' });
    expect(payload.date).toBeGreaterThan(expected);
    expect(payload.context).toMatchObject({ nextIn: 1, lastPulse: expected - 1 });
  });

  it('sends Slack blocks with the title, body and a link to the console', async () => {
    await pulse('slacky', 'slack', `${fake.url}/slack`);
    const [request] = await eventually(async () => {
      expect(fake.on('/slack')).toHaveLength(1);
      return fake.on('/slack');
    }, 6000);
    expect(request.raw).toContain('Service slacky has not pulsed');
    expect(request.raw).toContain('The service slacky is not pulsing since');
    expect(request.raw).toContain('https://watch.example.org/gui');
    expect(JSON.parse(request.raw).blocks.length).toBeGreaterThan(0);
  });

  it('retries a provider that fails twice and delivers exactly once', async () => {
    fake.script('/flaky', (n) => (n <= 2 ? 500 : 200));
    await pulse('flaky', 'webhook', `${fake.url}/flaky`);
    await eventually(async () => expect(fake.on('/flaky')).toHaveLength(3), 8000);
    await sleep(1000);
    expect(fake.on('/flaky')).toHaveLength(3);
    const [job] = (await allJobs(app.queue(QUEUE.alerts), 'down')).filter((j) => j.data.service === 'flaky');
    expect(await job.getState()).toBe('completed');
    expect(job.attemptsMade).toBe(3);
  });

  it('fails a job for good when the provider stays down, visibly', async () => {
    fake.script('/down', () => 503);
    await pulse('always-down', 'webhook', `${fake.url}/down`);
    const failed = await eventually(async () => {
      const [job] = (await allJobs(app.queue(QUEUE.alerts), 'down')).filter((j) => j.data.service === 'always-down');
      expect(await job.getState()).toBe('failed');
      // read again: the listing may have caught the job while it was still active
      return (await app.queue(QUEUE.alerts).getJob(job.id!))!;
    }, 15_000);
    expect(failed.attemptsMade).toBe(8);
    expect(failed.failedReason).toContain('503');
    expect(fake.on('/down')).toHaveLength(8);
  });

  it('stops at once on a permanent refusal (4xx)', async () => {
    fake.script('/gone', () => 410);
    await pulse('gone', 'webhook', `${fake.url}/gone`);
    const job = await eventually(async () => {
      const [found] = (await allJobs(app.queue(QUEUE.alerts), 'down')).filter((j) => j.data.service === 'gone');
      expect(await found.getState()).toBe('failed');
      // read again: the listing may have caught the job while it was still active
      return (await app.queue(QUEUE.alerts).getJob(found.id!))!;
    }, 6000);
    expect(job.attemptsMade).toBe(1);
    expect(fake.on('/gone')).toHaveLength(1);
  });

  it('alerts the default target for an event posted with "alert": true', async () => {
    await app.request('POST', '/event', {
      body: { service: 'billing', message: 'card processor down', level: 5, alert: true },
    });
    const [request] = await eventually(async () => {
      expect(fake.on('/event-hook')).toHaveLength(1);
      return fake.on('/event-hook');
    });
    expect(JSON.parse(request.raw)).toMatchObject({
      kind: 'event',
      service: 'billing',
      title: 'billing',
      body: 'card processor down',
    });
  });

  it('reminds while the service stays dead and stops once it pulses again', async () => {
    const { expected } = await pulse('reminded', 'webhook', `${fake.url}/remind`, 1, { repeatEvery: 60 });
    await eventually(async () => expect(fake.on('/remind')).toHaveLength(1), 6000);
    // Bring the next reminder forward instead of waiting a minute.
    const redis = new Redis(TEST_REDIS_URL);
    const key = `${stores.redisPrefix}:hb:remind`;
    expect(Number(await redis.zscore(key, 'reminded'))).toBeGreaterThanOrEqual(expected + 60);
    await redis.zadd(key, Math.floor(Date.now() / 1000), 'reminded');
    await eventually(async () => expect(fake.on('/remind')).toHaveLength(2), 6000);
    expect(JSON.parse(fake.on('/remind')[1].raw).title).toBe('Service reminded has not pulsed');
    // the reminder stored no event
    expect(await app.sql(`SELECT count(*)::int AS n FROM events WHERE service = 'reminded'`)).toEqual([{ n: 1 }]);

    await pulse('reminded', 'webhook', `${fake.url}/remind`, 3600, { repeatEvery: 60 });
    expect(await redis.zscore(key, 'reminded')).toBeNull();
    await redis.quit();
    await eventually(async () => expect(JSON.parse(fake.on('/remind')[2].raw).kind).toBe('up'), 6000);
  });

  // Last in this group: the hanging deliveries hold the webhook channel for their 10 s timeout.
  it('keeps delivering through other channels while one channel hangs', async () => {
    fake.script('/hang', () => 'hang');
    const before = fake.on('/pushover').length;
    // more hanging webhooks than the channel's own concurrency
    await Promise.all(Array.from({ length: 12 }, async (_, i) => pulse(`hanging-${i}`, 'webhook', `${fake.url}/hang`)));
    await pulse('po-bystander', 'pushover', 'user-key-2');
    await eventually(async () => expect(fake.on('/hang').length).toBeGreaterThanOrEqual(10), 6000);
    await eventually(async () => expect(fake.on('/pushover')).toHaveLength(before + 1), 6000);
    // the hanging deliveries hold at most the webhook channel's slots, then time out and retry
    expect(fake.on('/hang').length).toBeLessThanOrEqual(10);
  }, 30_000);
});

describe('channels that are not configured', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start();
  });
  afterAll(async () => stores.destroy());

  it('accepts the pulse, then fails the delivery at once and visibly', async () => {
    const res = await app.request('POST', '/heartbeat', {
      body: { service: 'no-smtp', alertType: 'mail', alertTarget: 'ops@example.org', nextIn: 1 },
    });
    expect(res.status).toBe(200);
    await sleepUntil(res.json.heartBeat.expected + 1);
    const job = await eventually(async () => {
      const [found] = await allJobs(app.queue(QUEUE.alerts), 'down');
      expect(await found.getState()).toBe('failed');
      // read again: the listing may have caught the job while it was still active
      return (await app.queue(QUEUE.alerts).getJob(found.id!))!;
    }, 6000);
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/mail channel is not configured/);
  });
});

describe('delivery across two API processes', () => {
  let stores: TestStores;
  let fake: FakeProviders;

  beforeAll(async () => {
    fake = await FakeProviders.start();
    stores = await TestStores.create();
  });
  afterAll(async () => {
    await stores.destroy();
    await fake.stop();
  });

  it('delivers exactly 200 webhooks when 200 services die at once', async () => {
    const a = await stores.start({ ALERT_BACKOFF_MS: '50' });
    const b = await stores.start({ ALERT_BACKOFF_MS: '50' });
    await Promise.all(
      Array.from({ length: 200 }, async (_, i) =>
        (i % 2 ? a : b).request('POST', '/heartbeat', {
          body: { service: `many-${i}`, alertType: 'webhook', alertTarget: `${fake.url}/many`, nextIn: 1 },
        }),
      ),
    );
    await eventually(async () => expect(fake.on('/many')).toHaveLength(200), 10_000);
    await sleep(1500);
    const services = fake.on('/many').map((r) => JSON.parse(r.raw).service as string);
    expect(services).toHaveLength(200);
    expect(new Set(services).size).toBe(200);
  });
});
