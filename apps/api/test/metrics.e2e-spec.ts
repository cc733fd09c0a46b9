import { eventually, TestApp, TestStores } from './app';
import { FakeProviders } from './providers';

/** The value of one sample line (`name{labels} value`) in a Prometheus text answer, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics (Prometheus text format)', () => {
  let stores: TestStores;
  let app: TestApp;
  let fake: FakeProviders;

  beforeAll(async () => {
    fake = await FakeProviders.start();
    stores = await TestStores.create();
    app = await stores.start({ HEARTBEAT_STARTUP_GRACE_SECONDS: '0' });
  });
  afterAll(async () => {
    await stores.destroy();
    await fake.stop();
  });

  const scrape = async (): Promise<string> => {
    const res = await app.request('GET', '/metrics', { password: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return res.text;
  };

  it('counts pulses, events, states, queues, deliveries, detection lag, HTTP latency and the process', async () => {
    const pulse = { alertType: 'log', alertTarget: 'x', nextIn: 3600 };
    for (const service of ['m-1', 'm-2']) {
      expect((await app.request('POST', '/', { body: { ...pulse, service } })).status).toBe(200);
    }
    const dying = { service: 'm-dies', alertType: 'webhook', alertTarget: `${fake.url}/hook`, nextIn: 1 };
    expect((await app.request('POST', '/', { body: dying })).status).toBe(200);
    expect((await app.request('POST', '/add-event', { body: { service: 'm', message: 'hello' } })).status).toBe(200);
    await eventually(async () => expect(fake.on('/hook')).toHaveLength(1), 15_000);

    const text = await eventually(async () => {
      const scraped = await scrape();
      expect(sample(scraped, 'watchtower_alerts_total{channel="webhook",outcome="sent"}')).toBe(1);
      expect(sample(scraped, 'watchtower_services{state="alive"}')).toBe(2);
      expect(sample(scraped, 'watchtower_services{state="dead"}')).toBe(1);
      return scraped;
    }, 10_000);
    expect(sample(text, 'watchtower_pulses_received_total')).toBe(3);
    expect(sample(text, 'watchtower_events_received_total')).toBe(1);
    expect(sample(text, 'watchtower_detection_lag_seconds_count')).toBe(1);
    // declared within a couple of seconds of the deadline (the sweeper runs every second)
    expect(sample(text, 'watchtower_detection_lag_seconds_bucket{le="5"}')).toBe(1);
    expect(sample(text, 'watchtower_queue_jobs{queue="alerts",state="failed"}')).toBe(0);
    expect(sample(text, 'watchtower_queue_oldest_waiting_seconds{queue="persistence"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'watchtower_agents_connected')).toBe(0);
    expect(sample(text, 'watchtower_http_request_duration_seconds_count{method="POST",route="/",status="200"}')).toBe(
      3,
    );
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes \d/m);
    // counts only: no service name leaks into an open /metrics
    expect(text).not.toContain('m-dies');
  });

  it('asks for the bearer token when METRICS_TOKEN is set', async () => {
    const guarded = await stores.start({ METRICS_TOKEN: 'scrape-secret' });
    const without = await guarded.request('GET', '/metrics', { password: null });
    expect(without.status).toBe(401);
    expect(without.json).toEqual({ hint: 'metrics need Authorization: Bearer <METRICS_TOKEN>', result: 401 });
    expect(without.headers.get('www-authenticate')).toBe('Bearer');
    const wrong = await guarded.request('GET', '/metrics', { password: null, headers: { authorization: 'Bearer no' } });
    expect(wrong.status).toBe(401);
    const right = await guarded.request('GET', '/metrics', {
      password: null,
      headers: { authorization: 'Bearer scrape-secret' },
    });
    expect(right.status).toBe(200);
    expect(right.text).toContain('watchtower_pulses_received_total 0');
  });
});
