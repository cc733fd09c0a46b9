import { UnrecoverableError } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { RedisClient } from '../common/redis.module';
import { alertJob, NOW, testEnv } from './channels/test/fakes';
import { RELAY_WINDOW_SECONDS, RelayLimits } from './relay-limits';

describe(RelayLimits.name, () => {
  const env = testEnv({
    REDIS_PREFIX: `t_relay_${randomUUID().slice(0, 8)}`,
    ALERT_RATE_PER_TARGET: '3',
    ALERT_RATE_PER_SERVICE: '5',
  });
  const clock = new Clock();
  let now = NOW;
  clock.nowMs = () => now * 1000;
  let redis: RedisClient;
  let limits: RelayLimits;

  beforeAll(async () => {
    redis = new RedisClient(env);
    await redis.onModuleInit();
    limits = new RelayLimits(redis, clock, env);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${env.redisPrefix}:*`);
    if (keys.length > 0) {
      await redis.del(...keys);
    }
    await redis.quit();
  });

  const outcome = async (overrides: Parameters<typeof alertJob>[0]) =>
    limits.admit(alertJob(overrides)).then(
      () => 'sent',
      (error: unknown) => (error instanceof UnrecoverableError ? error.message : `retry: ${String(error)}`),
    );

  it('drops mail beyond ALERT_RATE_PER_TARGET in a window, and admits again in the next one', async () => {
    now = NOW - (NOW % RELAY_WINDOW_SECONDS);
    const mail = { type: 'mail', target: 'ops@example.com', service: 'a' };
    const results = [];
    for (let i = 0; i < 4; i++) {
      results.push(await outcome({ ...mail, service: `s${i}` }));
    }
    expect(results).toEqual([
      'sent',
      'sent',
      'sent',
      'mail alert "Service svcA has not pulsed" dropped: over 3 per target in 10 min',
    ]);
    // another target is counted apart
    expect(await outcome({ ...mail, target: 'other@example.com' })).toBe('sent');
    now += RELAY_WINDOW_SECONDS;
    expect(await outcome(mail)).toBe('sent');
  });

  it('drops Pushover beyond ALERT_RATE_PER_SERVICE across targets', async () => {
    now = NOW + 10 * RELAY_WINDOW_SECONDS;
    const results = [];
    for (let i = 0; i < 6; i++) {
      results.push(await outcome({ type: 'pushover', target: `user-${i}`, service: 'noisy' }));
    }
    expect(results.slice(0, 5)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    expect(results[5]).toMatch(/^pushover alert .* dropped: over 5 per service in 10 min$/);
  });

  it('never limits the log, webhook and Slack channels', async () => {
    now = NOW + 20 * RELAY_WINDOW_SECONDS;
    for (let i = 0; i < 10; i++) {
      expect(await outcome({ type: 'webhook', target: 'http://example.com/h', service: 'x' })).toBe('sent');
    }
  });
});
