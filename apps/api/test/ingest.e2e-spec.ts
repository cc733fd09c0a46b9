import { randomUUID } from 'node:crypto';
import type { Snapshot } from '@lib/wire-format';
import { AgentPresence } from '../src/agents/agent-presence';
import { Clock } from '../src/common/clock';
import { QUEUE } from '../src/common/queues';
import { eventually, HttpResult, TestApp, TestStores } from './app';
import { example, exampleText, LOOPBACK } from './ingest-fixtures';
import { allJobs } from './jobs';

describe('POST /api/v1/ingest (wire-format.md §4)', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ ...LOOPBACK, AUTH_FAILURES_PER_MINUTE: '0' });
  });
  afterAll(async () => stores.destroy());

  async function enroll(body: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
    const res = await app.request('POST', '/api/v1/agents', { body: { name: `a-${randomUUID()}`, ...body } });
    expect(res.status).toBe(200);
    return { id: res.json.agent.id, key: res.json.key };
  }

  async function post(key: string | null, body: unknown, contentType = 'application/json'): Promise<HttpResult> {
    return app.request('POST', '/api/v1/ingest', {
      password: null,
      raw: typeof body === 'string' ? body : JSON.stringify(body),
      contentType,
      headers: key === null ? {} : { authorization: `Bearer ${key}` },
    });
  }

  /** A request for a host of its own, with snapshots derived from the §3 example at the given times. */
  function request(hostId: string, hostname: string, snapshots: Partial<Snapshot>[]): Record<string, any> {
    const body = example() as unknown as Record<string, any>;
    const template = body.snapshots[0];
    delete template.alerts;
    body.host = { ...body.host, host_id: hostId, hostname };
    body.snapshots = snapshots.map((patch) => ({ ...structuredClone(template), ...patch }));
    return body;
  }

  const at = (offsetMs = 0) => new Date(Date.now() + offsetMs).toISOString();

  async function stored(hostId: string): Promise<number> {
    const [row] = await app.sql('SELECT count(*)::int AS n FROM snapshots WHERE host_id = $1', [hostId]);
    return row.n;
  }

  it('stores the §3 example exactly as netwatch sends it: 200, columns, JSONB and the host', async () => {
    const { id: agentId, key } = await enroll();
    // the example is dated 2026-11-21: drive the clock to just after it so the ±24 h window accepts it
    const clock = app.app.get(Clock);
    const realNow = clock.nowMs.bind(clock);
    clock.nowMs = () => Date.parse('2026-11-21T22:36:00Z');
    try {
      const res = await post(key, exampleText);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(res.text).toBe(
        '{"accepted":1,"rejected":0,"host_id":"8d0f6c1a-2b7e-4c39-9a51-3e2f7d4b6c80",' +
          '"results":[{"index":0,"status":200,"message":"OK"}]}',
      );
    } finally {
      clock.nowMs = realNow;
    }
    const hostId = '8d0f6c1a-2b7e-4c39-9a51-3e2f7d4b6c80';
    const [row] = await eventually(async () => {
      const rows = await app.sql(
        `SELECT cpu_pct, mem_used_bytes, mem_total_bytes, load1, load5, load15, disk_used_pct, data,
                timestamp = '2026-11-21T22:35:24.512Z'::timestamptz AS exact FROM snapshots WHERE host_id = $1`,
        [hostId],
      );
      expect(rows).toHaveLength(1);
      return rows;
    });
    expect(row).toEqual({
      cpu_pct: 23.4,
      mem_used_bytes: '6442450944',
      mem_total_bytes: '16777216000',
      load1: 0.42,
      load5: 0.38,
      load15: 0.31,
      disk_used_pct: 38.4,
      data: example().snapshots[0],
      exact: true,
    });
    const [host] = await app.sql('SELECT * FROM hosts WHERE id = $1', [hostId]);
    expect(host).toMatchObject({
      agent_id: agentId,
      hostname: 'db-prod-2',
      info: example().host,
      agent_version: example().agent_version,
      embedded: false,
      last_snapshot_at: new Date('2026-11-21T22:35:24.512Z'),
    });
    // stored in the day's partition of a partitioned table
    const [parent] = await app.sql(`SELECT relkind FROM pg_class WHERE relname = 'snapshots'`);
    expect(parent.relkind).toBe('p');
    const [child] = await app.sql(`SELECT to_regclass('snapshots_p20261121')::text AS name`);
    expect(child.name).toBe('snapshots_p20261121');
  });

  it('keeps the good snapshots of a batch and names the bad field of the others: 207', async () => {
    const { key } = await enroll();
    const hostId = randomUUID();
    const bad = request(hostId, 'partial', [{}]).snapshots[0];
    bad.interfaces[0].rx_bytes = -1;
    const body = request(hostId, 'partial', [
      { timestamp: at(-2000) },
      { timestamp: at(-1000) },
      { timestamp: at(-25 * 3600_000) },
      { timestamp: at() },
    ]);
    body.snapshots[1] = { ...bad, timestamp: at(-1000) };
    const res = await post(key, body);
    expect(res.status).toBe(207);
    expect(res.json).toEqual({
      accepted: 2,
      rejected: 2,
      host_id: hostId,
      results: [
        { index: 0, status: 200, message: 'OK' },
        { index: 1, status: 400, message: 'snapshots[1].interfaces[0].rx_bytes: must be a non-negative integer' },
        { index: 2, status: 400, message: 'Timestamp outside ±24 hour window' },
        { index: 3, status: 200, message: 'OK' },
      ],
    });
    await eventually(async () => expect(await stored(hostId)).toBe(2));

    const none = await post(key, request(hostId, 'partial', [{ timestamp: 'yesterday' }]));
    expect(none.status).toBe(400);
    expect(none.json).toMatchObject({ accepted: 0, rejected: 1, results: [{ index: 0, status: 400 }] });
    expect(none.json.results[0].message).toMatch(/^snapshots\[0\]\.timestamp: /);
  });

  it('stores a snapshot sent twice once, and answers 200 both times', async () => {
    const { key } = await enroll();
    const hostId = randomUUID();
    const same = request(hostId, 'twice', [{ timestamp: at(-5000) }]);
    expect((await post(key, same)).status).toBe(200);
    expect((await post(key, same)).status).toBe(200);
    // the queue is written in order: once the later snapshot is in, both copies of the first were handled
    expect((await post(key, request(hostId, 'twice', [{ timestamp: at() }]))).status).toBe(200);
    await eventually(async () => expect(await stored(hostId)).toBe(2));
    expect(await stored(hostId)).toBe(2);
  });

  it("moves the agent's lastSeenAt forward with its host", async () => {
    const { id, key } = await enroll();
    const seen = async () =>
      ((await app.request('GET', '/api/v1/agents')).json.agents as { id: string; lastSeenAt: number | null }[]).find(
        (agent) => agent.id === id,
      )?.lastSeenAt;
    expect(await seen()).toBeNull();
    const before = Math.floor(Date.now() / 1000);
    expect((await post(key, request(randomUUID(), 'seen', [{ timestamp: at() }]))).status).toBe(200);
    await eventually(async () => expect(await seen()).toBeGreaterThanOrEqual(before));
  });

  describe('request-level failures answer {"error": ...} in the order of §4.2', () => {
    let key: string;
    const valid = () => request(randomUUID(), 'edge', [{ timestamp: at() }]);

    beforeAll(async () => ({ key } = await enroll()));

    it('401 without a key, with a bad key or a revoked one', async () => {
      for (const res of [
        await post(null, valid()),
        await post('wt_ak_00000000000000000000000000000000', valid()),
        await app.request('POST', '/api/v1/ingest', { password: null, body: valid(), headers: { authorization: key } }),
      ]) {
        expect(res.status).toBe(401);
        expect(Object.keys(res.json)).toEqual(['error']);
      }
      const revoked = await enroll();
      expect((await post(revoked.key, valid())).status).toBe(200);
      expect((await app.request('DELETE', `/api/v1/agents/${revoked.id}`)).status).toBe(200);
      expect(await post(revoked.key, valid())).toMatchObject({ status: 401, json: { error: 'invalid API key' } });
    });

    it('415 for another content type, checked before the size', async () => {
      expect(await post(key, JSON.stringify(valid()), 'text/plain')).toMatchObject({ status: 415 });
      expect(await post(key, 'x'.repeat(5_000_001), 'text/plain')).toMatchObject({ status: 415 });
      expect((await post(key, valid(), 'application/json; charset=utf-8')).status).toBe(200);
    });

    it('413 past 5,000,000 bytes or 100 snapshots; a 2 MB body (over the global 1 MiB) is accepted', async () => {
      const big = await post(key, `{"pad":"${'x'.repeat(5_000_000)}"}`);
      expect(big.status).toBe(413);
      expect(big.json).toEqual({ error: 'request body larger than 5000000 bytes' });
      const many = await post(
        key,
        request(
          randomUUID(),
          'many',
          Array.from({ length: 101 }, () => ({})),
        ),
      );
      expect(many.status).toBe(413);
      expect(many.json).toEqual({ error: 'snapshots: must have at most 100 elements' });
      const padded = { ...valid(), padding: 'x'.repeat(2_000_000) };
      expect((await post(key, padded)).status).toBe(200);
    });

    it('400 for bad JSON, an invalid envelope or no snapshots', async () => {
      expect(await post(key, '{"agent_version":')).toMatchObject({ status: 400, json: { error: 'invalid JSON body' } });
      const noHost = valid();
      delete noHost.host;
      expect(await post(key, noHost)).toMatchObject({ status: 400, json: { error: 'host: is required' } });
      expect(await post(key, { ...valid(), snapshots: [] })).toMatchObject({
        status: 400,
        json: { error: expect.stringMatching(/^snapshots: /) },
      });
    });

    it('429 past INGEST_RATE_LIMIT requests a minute for one key, with Retry-After', async () => {
      const limited = await enroll();
      for (let i = 0; i < app.env.ingestRateLimit; i++) {
        expect((await post(limited.key, valid())).status).toBe(200);
      }
      const res = await post(limited.key, valid());
      expect(res.status).toBe(429);
      expect(res.json).toEqual({ error: 'rate limit exceeded' });
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // the budget is per key
      expect((await post(key, valid())).status).toBe(200);
    });
  });

  it('refreshes presence agent:<hostname> with nextIn 3 x interval; bye cancels it', async () => {
    const agent = await enroll({ alertType: 'log', alertTarget: 'ops' });
    const hostname = `presence-${randomUUID().slice(0, 8)}`;
    expect((await post(agent.key, request(randomUUID(), hostname, [{ timestamp: at() }]))).status).toBe(200);
    const live = await app.request('GET', `/heartbeat/agent:${hostname}`);
    expect(live.status).toBe(200);
    expect(live.json.heartBeat).toMatchObject({
      service: `agent:${hostname}`,
      nextIn: 45,
      alertType: 'log',
      alertTarget: 'ops',
      cancelled: false,
    });
    // bye needs only the agent's identity: the gateway passes the Agent its key resolved to
    await app.app.get(AgentPresence).cancel({ id: agent.id });
    const after = await app.request('GET', `/heartbeat/agent:${hostname}`);
    expect(after.json.heartBeat).toMatchObject({ cancelled: true });
  });

  it('turns a network-intel alert into one event of host:<name>; a critical one alerts the owner once', async () => {
    const { key } = await enroll({ alertType: 'log', alertTarget: 'sec' });
    const hostId = randomUUID();
    const hostname = `intel-${randomUUID().slice(0, 8)}`;
    const alertAt = at(-60_000);
    const warning = {
      severity: 'warning',
      category: 'beaconing',
      message: 'Beacon to 198.51.100.7',
      detail: 'every 60s',
    };
    const critical = { severity: 'critical', category: 'port_scan', message: 'Port scan', detail: '20 ports in 30s' };
    const alerts = [
      { ...warning, timestamp: alertAt },
      { ...critical, timestamp: alertAt },
    ];
    // the detector repeats an open alert in each snapshot: two snapshots, two requests, one fact each
    await post(key, request(hostId, hostname, [{ timestamp: at(-3000), alerts } as Partial<Snapshot>]));
    await post(key, request(hostId, hostname, [{ timestamp: at(-2000), alerts } as Partial<Snapshot>]));
    await post(key, request(hostId, hostname, [{ timestamp: at(-1000) }]));
    // the last snapshot is written after the events of the first two (one queue, in order)
    await eventually(async () => expect(await stored(hostId)).toBe(3));
    expect(await app.eventsOf(`host:${hostname}`)).toEqual([
      { message: 'Beacon to 198.51.100.7 - every 60s', level: 3 },
      { message: 'Port scan - 20 ports in 30s', level: 5 },
    ]);
    const jobs = (await allJobs(app.queue(QUEUE.alerts), 'event')).filter(
      (job) => job.data.service === `host:${hostname}`,
    );
    expect(jobs.map((job) => [job.data.type, job.data.target, job.data.title])).toEqual([['log', 'sec', 'Port scan']]);
  });
});
