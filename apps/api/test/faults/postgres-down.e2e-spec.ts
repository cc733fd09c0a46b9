import { eventually, PASSWORD, QUEUE, startApp, TestApp } from '../app';
import { sleepUntil } from '../jobs';
import { FakeProviders } from '../providers';
import { dropRedisPrefix, TEST_REDIS_URL, uniqueName } from '../stores';
import { Outcome, post, Tally } from './load';
import { PrivatePostgres } from './private-postgres';

const OUTAGE_MS = 60_000;
/** One pulse and one add-event per tick: about 50 requests a second. */
const TICK_MS = 40;
const SERVICES = 10;
/** Far above any answer the API gives while healthy: a request that takes this long is a hang. */
const CLIENT_TIMEOUT_MS = 10_000;
/** After PostgreSQL is back, the whole backlog of the outage is written within this (measured figure printed). */
const DRAIN_WITHIN_MS = 20_000;

/**
 * Steady ingest: every tick one add-event with a unique message and one pulse of one of SERVICES services. Pulse k
 * carries nextIn 600 + k, so a stored record tells which pulse it holds; a service's next pulse waits for the
 * answer to its previous one, so the last pulse answered 200 is the one its record must end with.
 */
class IngestLoad {
  readonly pulses = new Tally();
  readonly events = new Tally();
  readonly accepted: string[] = [];
  readonly lastPulse = new Map<string, number>();
  /** Requests started while PostgreSQL was down, and how many of them were answered 200. */
  outage = { sent: 0, ok: 0 };
  postgresDown = false;
  private readonly pending = new Set<Promise<void>>();
  private readonly pulsing = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;

  constructor(private readonly url: string) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.pending);
  }

  private tick(): void {
    const k = this.ticks++;
    const service = `steady-${k % SERVICES}`;
    if (!this.pulsing.has(service)) {
      this.pulsing.add(service);
      const nextIn = 600 + k;
      this.track(
        post(`${this.url}/`, { service, alertType: 'log', alertTarget: 'ops', nextIn }, CLIENT_TIMEOUT_MS),
        this.pulses,
        () => this.lastPulse.set(service, nextIn),
        () => this.pulsing.delete(service),
      );
    }
    const message = `ingest-${k}`;
    this.track(
      post(`${this.url}/add-event`, { service: 'ingest', message, level: 1 }, CLIENT_TIMEOUT_MS),
      this.events,
      () => this.accepted.push(message),
    );
  }

  private track(
    request: Promise<Outcome>,
    tally: Tally,
    onOk: () => void,
    onSettled: () => void = () => undefined,
  ): void {
    const down = this.postgresDown;
    const done = request.then((outcome) => {
      tally.add(outcome);
      if (down) {
        this.outage.sent += 1;
      }
      if (outcome === 200) {
        onOk();
        if (down) {
          this.outage.ok += 1;
        }
      }
      onSettled();
    });
    this.pending.add(done);
    void done.finally(() => this.pending.delete(done));
  }
}

// Issue 10, faults: PostgreSQL is only the system of record; while it is down intake, detection and alerting go on
// through Redis, and the backlog is written once it is back, by the same API process.
describe('PostgreSQL down for 60 s during ingest', () => {
  let pg: PrivatePostgres;
  let fake: FakeProviders;
  let app: TestApp;
  const prefix = uniqueName('t');

  beforeAll(async () => {
    fake = await FakeProviders.start();
    pg = await PrivatePostgres.start();
    app = await startApp({
      WATCHTOWER_PASSWORD: PASSWORD,
      DATABASE_URL: pg.url,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'error',
      HEARTBEAT_STARTUP_GRACE_SECONDS: '0',
      ALERT_ALLOW_PRIVATE_TARGETS: 'true', // FakeProviders listens on loopback
    });
  }, 30_000);
  afterAll(async () => {
    // the app closes its pools through PostgreSQL: bring it back first if a failure left it down
    if (pg && !pg.running) {
      await pg.restart();
    }
    await app?.close();
    await dropRedisPrefix(prefix);
    await pg?.destroy();
    await fake.stop();
  });

  const ready = async (): Promise<{ status: number; json: Record<string, any> }> =>
    app.request('GET', '/health/ready', { password: null });

  it('answers every pulse and event 200, detects and alerts a death, then writes the whole backlog once', async () => {
    const load = new IngestLoad(app.url);
    load.start();
    await eventually(async () => expect(load.accepted.length).toBeGreaterThan(50), 10_000);

    await pg.stop();
    load.postgresDown = true;
    const downAt = Date.now();
    const doomed = await app.request('POST', '/', {
      body: { service: 'doomed', alertType: 'webhook', alertTarget: `${fake.url}/doomed`, nextIn: 2 },
    });
    expect(doomed.status).toBe(200);
    const remaining = (): number => downAt + OUTAGE_MS - Date.now() - 5000;

    const degraded = await eventually(async () => {
      const res = await ready();
      expect(res.status).toBe(503);
      expect(res.json.failing).toContain('postgres');
      return res;
    }, remaining());
    expect(degraded.json.status).toBe('degraded');
    const degradedAfterMs = Date.now() - downAt;

    // the death is detected in Redis and its alert goes out without the recent events it cannot read
    const [delivery] = await eventually(async () => {
      expect(fake.on('/doomed')).toHaveLength(1);
      return fake.on('/doomed');
    }, remaining());
    const deliveredAfterMs = Date.now() - downAt;
    const payload = JSON.parse(delivery.raw);
    expect(payload).toMatchObject({ kind: 'down', service: 'doomed', context: { nextIn: 2 } });
    expect(payload.context).not.toHaveProperty('recentEvents');

    await sleepUntil((downAt + OUTAGE_MS) / 1000);
    await pg.restart();
    const upAt = Date.now();
    load.postgresDown = false;
    // intake goes on while the backlog drains
    const acceptedAtRestart = load.accepted.length;
    await eventually(async () => expect(load.accepted.length).toBeGreaterThan(acceptedAtRestart + 50), 10_000);
    await load.stop();

    console.log(
      `PostgreSQL down ${upAt - downAt} ms; requests sent while down: ${load.outage.sent}, answered 200: ` +
        `${load.outage.ok}; all pulses ${JSON.stringify(load.pulses)}, all events ${JSON.stringify(load.events)}; ` +
        `/health/ready ${JSON.stringify(degraded.json)} ${degradedAfterMs} ms into the outage, ` +
        `death delivered ${deliveredAfterMs} ms into it`,
    );
    expect(load.pulses.except(200)).toEqual({});
    expect(load.events.except(200)).toEqual({});
    expect(load.outage.ok).toBe(load.outage.sent);
    // ~50 a second for 60 s; a loaded machine sends fewer, but never a handful
    expect(load.outage.sent).toBeGreaterThan(1000);

    // the backlog drains: no batch left (a failed one would still hold rows), every event answered 200 written once
    const backlog = async (): Promise<Record<string, number>> =>
      app.queue(QUEUE.persistence).getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
    const stored = await eventually(async () => {
      expect(await backlog()).toEqual({ waiting: 0, active: 0, delayed: 0, prioritized: 0, failed: 0 });
      const rows = await pg.query<{ message: string; n: number }>(
        `SELECT message, count(*)::int AS n FROM events WHERE service = 'ingest' GROUP BY message`,
      );
      const written = new Map(rows.map((row) => [row.message, row.n]));
      expect(load.accepted.filter((message) => !written.has(message))).toEqual([]);
      return rows;
    }, DRAIN_WITHIN_MS + 10_000);
    const drainedMs = Date.now() - upAt;
    expect(stored.filter((row) => row.n !== 1)).toEqual([]);

    // each service's row holds its last acknowledged pulse (copied from its dirty mark within the drain's period),
    // and the death is on record once
    await eventually(async () => {
      const rows = await pg.query<{ service: string; next_in: number; alerted: boolean }>(
        `SELECT service, next_in, alerted FROM heartbeats ORDER BY service`,
      );
      expect(rows).toEqual([
        { service: 'doomed', next_in: 2, alerted: true },
        ...[...load.lastPulse]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([service, nextIn]) => ({ service, next_in: nextIn, alerted: false })),
      ]);
    }, 5000);
    expect(load.lastPulse.size).toBe(SERVICES);
    const deaths = await pg.query(`SELECT message FROM events WHERE service = 'doomed'`);
    expect(deaths).toEqual([{ message: expect.stringMatching(/^Service doomed has not pulsed - /) }]);

    await eventually(async () => expect(await ready()).toMatchObject({ status: 200, json: { status: 'up' } }), 10_000);
    console.log(`backlog written ${drainedMs} ms after PostgreSQL was back; ${load.accepted.length} events stored`);
    expect(drainedMs).toBeLessThan(DRAIN_WITHIN_MS);
  }, 90_000);
});
