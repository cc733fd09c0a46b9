import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually, TestApp, TestStores } from '../app';
import { sleep } from '../jobs';
import { freePort } from '../stores';
import { Outcome, post, Tally } from './load';

const LOOPS = 20;
const SERVICES = 200;
/** The kill lands once this many pulses were acknowledged, and the load stops this many after the restart. */
const PULSES_BEFORE_KILL = 2000;
const PULSES_AFTER_RESTART = 2000;
const DOWN_MS = 2000;
/** Far above the API's own deadlines (Redis commands 3 s, queue writes 5 s): reaching it is a hang. */
const CLIENT_TIMEOUT_MS = 10_000;
/** Every loop sends an add-event after this many pulses. */
const EVENT_EVERY = 4;

/** The setting under test: Redis answers a write only once it is fsynced to the append-only file. */
function redisOn(port: number, dir: string): ChildProcess {
  return spawn(
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', ''],
      ...['--appendonly', 'yes', '--appendfsync', 'always'],
    ],
    { stdio: 'ignore' },
  );
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * LOOPS concurrent clients; loop i owns services i, i + LOOPS, ... and pulses them in turn, so a service's pulses
 * are sequential and pulse k of a service carries nextIn 1000 + k: its record tells which pulse it holds.
 */
class PulseLoad {
  /** Pulse outcomes by when they were sent: before the kill, while Redis was down, after its restart. */
  readonly outcomes = { before: new Tally(), down: new Tally(), after: new Tally() };
  readonly eventOutcomes = new Tally();
  /** nextIn of each service's last pulse answered 200. */
  readonly acknowledged = new Map<string, number>();
  /** Messages of the add-events answered 200; the first `eventsBeforeKill` were answered before the kill. */
  readonly events: string[] = [];
  eventsBeforeKill = 0;
  phase: keyof PulseLoad['outcomes'] = 'before';
  missingRetryAfter = 0;
  private stopping = false;
  private loops: Promise<void>[] = [];

  constructor(private readonly url: string) {}

  get pulsesOk(): number {
    return Object.values(this.outcomes).reduce((n, tally) => n + (tally.counts.get(200) ?? 0), 0);
  }

  start(): void {
    this.loops = Array.from({ length: LOOPS }, async (_, i) => this.loop(i));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  private async loop(i: number): Promise<void> {
    const sent = new Map<string, number>();
    for (let n = 0; !this.stopping; n++) {
      const service = `svc-${i + LOOPS * (n % (SERVICES / LOOPS))}`;
      const k = sent.get(service) ?? 0;
      sent.set(service, k + 1);
      const phase = this.phase;
      const outcome = await this.send('/', { service, alertType: 'log', alertTarget: 'ops', nextIn: 1000 + k });
      this.outcomes[phase].add(outcome);
      if (outcome === 200) {
        this.acknowledged.set(service, 1000 + k);
      }
      if (n % EVENT_EVERY === 0) {
        const message = `ev-${i}-${n}`;
        const answer = await this.send('/add-event', { service: 'aof', message, level: 1 });
        this.eventOutcomes.add(answer);
        if (answer === 200) {
          this.events.push(message);
        }
      }
    }
  }

  private async send(path: string, body: unknown): Promise<Outcome> {
    return post(`${this.url}${path}`, body, CLIENT_TIMEOUT_MS, (status, headers) => {
      // a 503 must tell the client when to come back (§3.7)
      if (status === 503 && headers.get('retry-after') === null) {
        this.missingRetryAfter += 1;
      }
    });
  }
}

// Issue 10, faults: Redis (appendfsync always) SIGKILLed under pulse load and started again on its files; the API
// reconnects by itself and nothing Redis acknowledged is lost.
describe('Redis SIGKILLed and restarted on its append-only file under pulse load', () => {
  let stores: TestStores;
  let app: TestApp;
  let redis: ChildProcess;
  let port: number;
  let dir: string;

  beforeAll(async () => {
    port = await freePort();
    dir = mkdtempSync(join(tmpdir(), 'wt-redis-aof-'));
    redis = redisOn(port, dir);
    stores = await TestStores.create();
    await eventually(async () => {
      app = await stores.start({ REDIS_URL: `redis://127.0.0.1:${port}` });
    });
  });
  afterAll(async () => {
    // the app closes its queues through Redis: bring it back first if a failure left it down
    if (redis.exitCode !== null || redis.signalCode !== null) {
      redis = redisOn(port, dir);
    }
    await stores.destroy();
    await kill(redis);
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 while Redis is down, 200 again once it is back, and keeps every acknowledged pulse and event', async () => {
    const load = new PulseLoad(app.url);
    load.start();
    await eventually(async () => expect(load.pulsesOk).toBeGreaterThanOrEqual(PULSES_BEFORE_KILL), 30_000);

    await kill(redis);
    load.phase = 'down';
    load.eventsBeforeKill = load.events.length;
    const acknowledgedAtKill = new Map(load.acknowledged);
    const killedAt = Date.now();
    await sleep(DOWN_MS);

    redis = redisOn(port, dir);
    const restartedAt = Date.now();
    load.phase = 'after';
    const firstOk = await eventually(() => {
      expect(load.outcomes.after.counts.get(200)).toBeGreaterThan(0);
      return Date.now() - restartedAt;
    }, 20_000);
    await eventually(
      async () => expect(load.outcomes.after.counts.get(200)).toBeGreaterThanOrEqual(PULSES_AFTER_RESTART),
      30_000,
    );
    await load.stop();
    console.log(
      `Redis down ${restartedAt - killedAt} ms; pulses before ${JSON.stringify(load.outcomes.before)}, ` +
        `while down ${JSON.stringify(load.outcomes.down)}, after ${JSON.stringify(load.outcomes.after)}; ` +
        `first 200 ${firstOk} ms after the restart; add-events ${JSON.stringify(load.eventOutcomes)}, ` +
        `${load.eventsBeforeKill} answered 200 before the kill`,
    );

    // while down: 503 or, for requests answered before the drop, 200; never another status, a reset or a hang
    for (const tally of [...Object.values(load.outcomes), load.eventOutcomes]) {
      expect(tally.except(200, 503)).toEqual({});
    }
    expect(load.outcomes.down.counts.get(503)).toBeGreaterThan(0);
    expect(load.missingRetryAfter).toBe(0);

    // every service's record holds its last acknowledged pulse or a later one, from before the kill and after
    const records = await app.request('GET', '/heartbeats?limit=1000');
    expect(records.status).toBe(200);
    const held = new Map<string, number>(
      (records.json.heartBeats as { service: string; nextIn: number }[]).map((r) => [r.service, r.nextIn]),
    );
    expect(held.size).toBe(SERVICES);
    const behind = (acknowledged: Map<string, number>): string[] =>
      [...acknowledged].filter(([service, nextIn]) => (held.get(service) ?? 0) < nextIn).map(([s]) => s);
    expect(acknowledgedAtKill.size).toBe(SERVICES);
    expect(behind(acknowledgedAtKill)).toEqual([]);
    expect(behind(load.acknowledged)).toEqual([]);

    // every add-event answered 200, before the kill or after the restart, reaches PostgreSQL exactly once
    const rows = await eventually(async () => {
      const stored = await app.sql<{ message: string; n: number }>(
        `SELECT message, count(*)::int AS n FROM events WHERE service = 'aof' GROUP BY message`,
      );
      const written = new Set(stored.map((row) => row.message));
      expect(load.events.filter((message) => !written.has(message))).toEqual([]);
      return stored;
    }, 30_000);
    expect(rows.filter((row) => row.n !== 1)).toEqual([]);
    expect(load.eventsBeforeKill).toBeGreaterThan(0);
  }, 90_000);
});
