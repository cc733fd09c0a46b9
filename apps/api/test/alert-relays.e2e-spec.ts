import { eventually, QUEUE, TestApp, TestStores } from './app';
import { allJobs } from './jobs';
import { startSmtp } from './providers';

describe('mail and Pushover cannot be used as relays', () => {
  let stores: TestStores;
  let app: TestApp;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  beforeAll(async () => {
    smtp = await startSmtp();
    stores = await TestStores.create();
    app = await stores.start({ SMTP_URL: smtp.url, ALERT_RATE_PER_TARGET: '2', HEARTBEAT_STARTUP_GRACE_SECONDS: '0' });
  });
  afterAll(async () => {
    await stores.destroy();
    await smtp.stop();
  });

  it('mails a target at most ALERT_RATE_PER_TARGET times in 10 minutes and fails the rest visibly', async () => {
    for (const service of ['relay-1', 'relay-2', 'relay-3']) {
      const res = await app.request('POST', '/heartbeat', {
        body: { service, alertType: 'mail', alertTarget: 'victim@example.org', nextIn: 1 },
      });
      expect(res.status).toBe(200);
    }
    const dropped = await eventually(async () => {
      const failed = [];
      for (const job of await allJobs(app.queue(QUEUE.alerts), 'down')) {
        if ((await job.getState()) === 'failed') {
          failed.push((await app.queue(QUEUE.alerts).getJob(job.id!))!);
        }
      }
      expect(failed).toHaveLength(1);
      return failed[0];
    }, 10_000);
    expect(dropped.failedReason).toMatch(/dropped: over 2 per target in 10 min$/);
    expect(dropped.attemptsMade).toBe(1);
    await eventually(async () => expect(smtp.mails).toHaveLength(2));
  }, 20_000);
});
