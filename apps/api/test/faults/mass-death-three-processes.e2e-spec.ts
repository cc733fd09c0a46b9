import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { eventually, PASSWORD, QUEUE, TestStores } from '../app';
import { sleep } from '../jobs';
import { FakeProviders, Received } from '../providers';
import { freePort, TEST_REDIS_URL } from '../stores';
import { WorkerProcess } from './worker-process';

const SERVICES = 1000;
const PROCESSES = 3;
/** The alerts processor's concurrency: at most this many jobs were active on the killed process. */
const ALERTS_CONCURRENCY = 50;
/** Seconds from choosing the common deadline to reaching it: 1,000 pulses took 3-14 s on two busy cores. */
const LEAD_SECONDS = 20;
const PULSE_CONCURRENCY = 50;
const KILL_AFTER_DELIVERIES = 300;
/** Answer delay of the fake receiver: deliveries overlap, so the kill lands with requests on the wire. */
const RECEIVER_DELAY_MS = 20;

/** Three real API processes (ROLE=all) on one test's fresh stores, and an observer of their alerts queue. */
class Cluster {
  readonly processes: WorkerProcess[] = [];
  private redis!: Redis;
  alerts!: Queue;

  private constructor(readonly stores: TestStores) {}

  static async start(): Promise<Cluster> {
    const cluster = new Cluster(await TestStores.create());
    const env = { ...cluster.stores.env(), HEARTBEAT_STARTUP_GRACE_SECONDS: '0' };
    for (let i = 0; i < PROCESSES; i++) {
      cluster.processes.push(WorkerProcess.startAll(env, await freePort()));
    }
    await Promise.all(cluster.processes.map(async (p) => p.ready(45_000)));
    cluster.redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    cluster.alerts = new Queue(QUEUE.alerts, { connection: cluster.redis, prefix: cluster.stores.redisPrefix });
    return cluster;
  }

  /**
   * Pulses every service, round-robin over the processes, so that all of them expire in the same second: each pulse
   * asks for the deadline `at` from its own clock reading, and one that crossed a second boundary is pulsed again.
   */
  async pulseAll(target: string, at: number): Promise<void> {
    let next = 0;
    const pulse = async (service: string, via: WorkerProcess): Promise<void> => {
      for (let attempt = 0; ; attempt++) {
        const nextIn = at - Math.floor(Date.now() / 1000);
        if (nextIn < 1 || attempt === 5) {
          throw new Error(`could not give ${service} the deadline ${at} (nextIn ${nextIn}, attempt ${attempt})`);
        }
        const res = await fetch(`${via.url}/`, {
          method: 'POST',
          headers: { password: PASSWORD, 'content-type': 'application/json' },
          body: JSON.stringify({ service, alertType: 'webhook', alertTarget: target, nextIn }),
          signal: AbortSignal.timeout(10_000),
        });
        const json = (await res.json()) as { heartBeat?: { expected: number } };
        if (res.status === 200 && json.heartBeat?.expected === at) {
          return;
        }
      }
    };
    await Promise.all(
      Array.from({ length: PULSE_CONCURRENCY }, async () => {
        while (next < SERVICES) {
          const i = next++;
          await pulse(`mass-${i}`, this.processes[i % PROCESSES]);
        }
      }),
    );
  }

  /** Every death's alert job is completed: nothing is left that could deliver again. */
  async settled(timeoutMs: number): Promise<void> {
    await eventually(async () => {
      expect(await this.alerts.getJobCounts('completed', 'failed', 'waiting', 'active', 'delayed')).toEqual({
        completed: SERVICES,
        failed: 0,
        waiting: 0,
        active: 0,
        delayed: 0,
      });
    }, timeoutMs);
  }

  async stop(): Promise<void> {
    for (const child of this.processes) {
      await child.kill();
    }
    await this.alerts?.close();
    await this.redis?.quit();
    await this.stores.destroy();
  }
}

/** Each delivery id with the services it was sent for and how many requests carried it. */
function byDeliveryId(requests: Received[]): Map<string, { services: Set<string>; requests: number }> {
  const ids = new Map<string, { services: Set<string>; requests: number }>();
  for (const request of requests) {
    const id = String(request.headers['x-watchtower-delivery']);
    const entry = ids.get(id) ?? { services: new Set<string>(), requests: 0 };
    entry.services.add((JSON.parse(request.raw) as { service: string }).service);
    entry.requests += 1;
    ids.set(id, entry);
  }
  return ids;
}

/** The deliveries are one per service: SERVICES distinct ids, each always for the same one service. */
function expectOneIdPerService(requests: Received[]): Map<string, { services: Set<string>; requests: number }> {
  const ids = byDeliveryId(requests);
  expect(ids.size).toBe(SERVICES);
  expect([...ids].filter(([, entry]) => entry.services.size !== 1)).toEqual([]);
  const services = new Set([...ids.values()].flatMap((entry) => [...entry.services]));
  expect(services.size).toBe(SERVICES);
  expect(requests.every((request) => JSON.parse(request.raw).kind === 'down')).toBe(true);
  return ids;
}

// Issue 10, faults: three API processes sweep and deliver from one Redis; 1,000 deaths in one second are each
// alerted once, and still each alerted when one process is SIGKILLed mid-stream (a job it had on the wire is sent
// again by another process, with the same delivery id).
describe('three API processes, 1,000 services dying in the same second', () => {
  let fake: FakeProviders;
  let cluster: Cluster | undefined;

  beforeAll(async () => {
    fake = await FakeProviders.start();
    fake.answerDelayMs = RECEIVER_DELAY_MS;
  });
  beforeEach(() => fake.received.splice(0));
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });
  afterAll(async () => fake.stop());

  const dieTogether = async (path: string): Promise<{ cluster: Cluster; at: number }> => {
    const booting = Date.now();
    const started = await Cluster.start();
    cluster = started;
    const pulsing = Date.now();
    const at = Math.floor(pulsing / 1000) + LEAD_SECONDS;
    await started.pulseAll(`${fake.url}${path}`, at);
    console.log(`3 processes up in ${pulsing - booting} ms; ${SERVICES} pulses in ${Date.now() - pulsing} ms`);
    return { cluster: started, at };
  };

  /** When the deliveries arrived, from the deaths' second (`at`: death is declared once it has passed). */
  const timing = (deliveries: Received[], at: number): string =>
    `first ${Math.min(...deliveries.map((d) => d.at)) - at * 1000} ms, ` +
    `last ${Math.max(...deliveries.map((d) => d.at)) - at * 1000} ms after the deadline`;

  it('delivers exactly 1,000 alerts, one per service', async () => {
    const { cluster, at } = await dieTogether('/mass');
    await cluster.settled(40_000);
    const deliveries = fake.on('/mass');
    expectOneIdPerService(deliveries);
    expect(deliveries).toHaveLength(SERVICES);
    console.log(`${deliveries.length} deliveries for ${SERVICES} deaths: ${timing(deliveries, at)}`);
  }, 90_000);

  it('still delivers every service when one of the three processes is SIGKILLed mid-stream', async () => {
    const { cluster, at } = await dieTogether('/killed');
    const deadline = Date.now() + (LEAD_SECONDS + 30) * 1000;
    while (fake.on('/killed').length < KILL_AFTER_DELIVERIES) {
      if (Date.now() > deadline) {
        throw new Error(`only ${fake.on('/killed').length} deliveries by ${at}\n${cluster.processes[0].output}`);
      }
      await sleep(5);
    }
    await cluster.processes[0].kill();
    const killedAt = Date.now();
    const atKill = fake.on('/killed').length;

    // the killed process's jobs come back through stalled-job recovery (lock 5 s, check every 5 s)
    await cluster.settled(45_000);
    const deliveries = fake.on('/killed');
    const ids = expectOneIdPerService(deliveries);
    const repeats = deliveries.length - SERVICES;
    const repeated = [...ids.values()].filter((entry) => entry.requests > 1);
    console.log(
      `killed after ${atKill} deliveries; settled ${Date.now() - killedAt} ms later with ${deliveries.length} ` +
        `requests: ${ids.size} distinct delivery ids, ${repeats} repeats over ${repeated.length} ids; ` +
        timing(deliveries, at),
    );
    // a repeat is a job that was active on the killed process, sent again with its id by another one
    expect(repeats).toBeLessThanOrEqual(ALERTS_CONCURRENCY);
    expect(repeated.every((entry) => entry.requests === 2)).toBe(true);
  }, 90_000);
});
