import Redis from 'ioredis';
import { ChildProcess, spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { serializeEnvelope } from '../src/common/envelope';
import { LiveRecord, toView } from '../src/heartbeat/heartbeat.record';
import { eventually, PASSWORD, TestApp, TestStores } from './app';
import { freePort, TEST_REDIS_URL } from './stores';

const MAIN = join(resolve(__dirname, '../../..'), 'dist/apps/api/src/main.js');

const SEEDED = 50_000;
const LISTERS = 10;

describe('GET /heartbeats', () => {
  let stores: TestStores;
  let app: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start();
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    redis.disconnect();
    await stores.destroy();
  });

  /** The envelope serializer's answer for every record in first-pulse order: what the one-pass listing sent. */
  async function expectedListing(zone?: string): Promise<string> {
    const records = (await redis.hvals(`${stores.redisPrefix}:hb:rec`)).map((raw) => JSON.parse(raw) as LiveRecord);
    records.sort((a, b) => a.position - b.position);
    return serializeEnvelope({ heartBeats: records.map((record) => toView(record, zone)), result: 200 });
  }

  it('sends the exact bytes of the envelope serializer, unpaged, and the same records page by page', async () => {
    const pulses = [
      { service: 'zeta', alertType: 'log', alertTarget: 'ops', nextIn: 60 },
      { service: 'caf\u00e9 \u{1f600}', alertType: 'log', alertTarget: 'op"s', nextIn: 120, repeatEvery: 600 },
      ...Array.from({ length: 5 }, (_, i) => ({ service: `svc-${i}`, alertType: 'log', alertTarget: 'x', nextIn: 9 })),
    ];
    for (const body of pulses) {
      expect((await app.request('POST', '/heartbeat', { body })).status).toBe(200);
    }
    await app.request('DELETE', '/heartbeat', { body: { service: 'svc-1' } });
    expect((await app.request('DELETE', '/heartbeats/svc-2')).status).toBe(200);

    const unpaged = await app.request('GET', '/heartbeats');
    expect(unpaged.status).toBe(200);
    expect(unpaged.text).toBe(await expectedListing());
    expect(unpaged.text).toContain('caf\\u00e9 \\ud83d\\ude00');
    expect((await app.request('GET', '/')).text).toBe(unpaged.text);
    expect((await app.request('GET', '/heartbeats?humanDates=1')).text).toBe(await expectedListing(app.env.tzDisplay));

    const pages: Record<string, any>[] = [];
    let next: string | undefined;
    do {
      const page = await app.request('GET', `/heartbeats?limit=3${next ? `&cursor=${next}` : ''}`);
      expect(page.status).toBe(200);
      pages.push(...page.json.heartBeats);
      next = page.json.next;
    } while (next !== undefined);
    expect(pages).toEqual(unpaged.json.heartBeats);
    // the page goes through the serializer; the stream carries the same headers
    const page = await app.request('GET', '/heartbeats?limit=100');
    expect(page.text).toBe(unpaged.text);
    expect(unpaged.headers.get('content-type')).toBe(page.headers.get('content-type'));
    expect(unpaged.headers.get('content-length')).toBe(page.headers.get('content-length'));

    for (const query of ['limit=0', 'limit=10001', 'limit=abc', 'cursor=xyz', 'cursor=MQ==']) {
      const bad = await app.request('GET', `/heartbeats?${query}`);
      expect([query, bad.status]).toEqual([query, 400]);
      expect(bad.json.hint).toMatch(/limit|cursor/);
    }
  });
});

// A process of its own, so the test's own reading of 8 MB answers does not share the API's event loop.
describe('GET /heartbeats at scale', () => {
  let stores: TestStores;
  let redis: Redis;
  let child: ChildProcess;
  let url: string;
  let output = '';

  beforeAll(async () => {
    stores = await TestStores.create();
    redis = new Redis(TEST_REDIS_URL);
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [MAIN], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        ...stores.env({ HEARTBEAT_LIST_MAX_CONCURRENT: '2', HEARTBEAT_LIST_LARGE_FROM: '1000' }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(async () => expect((await call('GET', '/heartbeats?limit=1')).status).toBe(200), 30_000).catch(
      (error: Error) => {
        throw new Error(`the API did not start: ${error.message}\n${output}`);
      },
    );
  });
  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGKILL');
      await exited;
    }
    redis.disconnect();
    await stores.destroy();
  });

  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(url + path, {
      method,
      headers: { password: PASSWORD, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  /** Writes records in the store's own shapes, pipelined: 50,000 pulses over HTTP would take most of the budget. */
  async function seed(count: number): Promise<void> {
    const prefix = `${stores.redisPrefix}:hb`;
    const now = Math.floor(Date.now() / 1000);
    const base = await redis.incrby(`${prefix}:seq`, count);
    for (let from = 0; from < count; from += 5000) {
      const pipeline = redis.pipeline();
      for (let i = from; i < Math.min(from + 5000, count); i++) {
        const position = base - count + i + 1;
        const record: LiveRecord = {
          service: `seeded-${i}`,
          alertType: 'log',
          alertTarget: 'ops',
          nextIn: 3600,
          last: now,
          expected: now + 3600,
          alerted: false,
          cancelled: false,
          position,
          version: position,
        };
        pipeline.hset(`${prefix}:rec`, record.service, JSON.stringify(record));
        pipeline.zadd(`${prefix}:due`, record.expected + 1, record.service);
        pipeline.zadd(`${prefix}:order`, position, record.service);
      }
      await pipeline.exec();
    }
  }

  it('keeps answering pulses and detects a death on time while large unpaged listings run', async () => {
    await seed(SEEDED);
    let listing = true;
    const statuses: number[] = [];
    const refusals = new Set<string>();
    const listers = Array.from({ length: LISTERS }, async () => {
      while (listing) {
        const res = await call('GET', '/heartbeats');
        statuses.push(res.status);
        if (res.status === 503) {
          const { hint } = (await res.json()) as { hint: string };
          refusals.add(`${hint} / ${res.headers.get('retry-after')}`);
          await new Promise((done) => setTimeout(done, 20));
        } else {
          // only the size: parsing 8 MB here is not what is measured
          expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(SEEDED * 100);
        }
      }
    });

    try {
      // the canary pulses while the listings run, each answered promptly, then stops and must die on time
      let expected = 0;
      let slowest = 0;
      for (let i = 0; i < 8; i++) {
        const started = Date.now();
        const res = await call('POST', '/heartbeat', {
          service: 'canary',
          alertType: 'log',
          alertTarget: 'ops',
          nextIn: 1,
        });
        expect(res.status).toBe(200);
        slowest = Math.max(slowest, Date.now() - started);
        expected = ((await res.json()) as { heartBeat: { expected: number } }).heartBeat.expected;
        await new Promise((done) => setTimeout(done, 300));
      }
      const deadAt = (expected + 1) * 1000;
      // the sweeper's own record of the death, read beside the API so a slow answer does not count against it
      await eventually(async () => {
        const raw = await redis.hget(`${stores.redisPrefix}:hb:rec`, 'canary');
        expect(JSON.parse(raw!).alerted).toBe(true);
      }, 15_000);
      const late = Date.now() - deadAt;
      console.log(
        `slowest pulse ${slowest} ms, death noticed ${late} ms after its instant, ${statuses.length} listings`,
      );
      expect(slowest).toBeLessThan(2000);
      expect(late).toBeLessThan(2500);
    } finally {
      listing = false;
      await Promise.all(listers);
    }
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 200 || status === 503)).toBe(true);
    // more listers than slots: some were told to come back or page
    expect(statuses).toContain(503);
    expect([...refusals]).toEqual(['too many large listings at once, retry later or page with limit and cursor / 2']);
  }, 90_000);
});
