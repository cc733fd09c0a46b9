import { AgentSocket, connectAgent, Connected, enroll } from './agent-sockets';
import Redis from 'ioredis';
import { eventually, TestApp, TestStores } from './app';
import { TEST_REDIS_URL } from './stores';

// Probes never leave loopback, even though nothing here collects
const LOOPBACK = { AGENT_GATEWAY: '127.0.0.1', AGENT_DNS_SERVER: '127.0.0.1' };

// Two in-process APIs on one database and one Redis prefix stand for two replicas (agent-protocol.md §2).
describe('agent WebSocket gateway across API processes', () => {
  let stores: TestStores;
  let app: TestApp;
  let other: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ ...LOOPBACK, AUTH_FAILURES_PER_MINUTE: '0' });
    other = await stores.start({ ...LOOPBACK, AUTH_FAILURES_PER_MINUTE: '0' });
  });
  afterAll(async () => stores.destroy());

  const connected = async (): Promise<Connected> => connectAgent(app);

  const listedOn = async (on: TestApp, id: string): Promise<Record<string, any>> =>
    (await on.request('GET', '/api/v1/agents')).json.agents.find((agent: { id: string }) => agent.id === id);

  it('GET /api/v1/agents on B shows the agent connected to A, with protocol, process and version', async () => {
    const { id, socket, host } = await connected();
    const onB = await listedOn(other, id);
    expect(onB).toMatchObject({ connected: true });
    expect(onB.connection).toEqual({
      protocol: 'ws',
      process: expect.any(String),
      since: expect.any(Number),
      agentVersion: 'watchtower-agent/1.0.0',
      hostId: host.host_id,
      lastSnapshotAt: null,
    });
    expect(onB.connection).toEqual((await listedOn(app, id)).connection);
    socket.close();
  });

  it('report_now and settings sent through B reach the client on A', async () => {
    const { id, socket } = await connected();
    const report = await other.request('POST', `/api/v1/agents/${id}/report-now`);
    expect([report.status, report.json]).toEqual([200, { command: 'report_now', delivered: true, result: 200 }]);
    expect(await socket.next()).toEqual({ type: 'report_now' });
    const settings = await other.request('POST', `/api/v1/agents/${id}/settings`, { body: { interval_secs: 30 } });
    expect(settings.json).toMatchObject({ command: 'settings_update', delivered: true });
    expect(await socket.next()).toEqual({ type: 'settings_update', settings: { interval_secs: 30 } });
    socket.close();
  });

  it('a command for an unknown or offline agent answers delivered false', async () => {
    const unknown = await other.request('POST', '/api/v1/agents/00000000-0000-4000-8000-000000000000/report-now');
    expect([unknown.status, unknown.json.delivered]).toEqual([200, false]);
    const { id } = await enroll(app);
    const offline = await other.request('POST', `/api/v1/agents/${id}/report-now`);
    expect([offline.status, offline.json.delivered]).toEqual([200, false]);
    const bad = await other.request('POST', `/api/v1/agents/${id}/settings`, { body: { interval_secs: 1 } });
    expect([bad.status, bad.json.hint]).toEqual([400, 'interval_secs must be an integer from 10 to 3600']);
  });

  it('a connection on B replaces the one on A (4000); revoking through B closes it (4001)', async () => {
    const { id, key } = await enroll(app);
    const onA = await AgentSocket.open(app, key);
    expect((await onA.hello()).type).toBe('welcome');
    const onB = await AgentSocket.open(other, key);
    expect((await onA.closed).code).toBe(4000);
    expect((await onB.hello()).type).toBe('welcome');
    expect((await app.request('DELETE', `/api/v1/agents/${id}`)).status).toBe(200);
    expect((await onB.closed).code).toBe(4001);
  });

  it('entries lost with Redis data come back at the next refresh; a dead process shows nobody connected', async () => {
    const { id, socket } = await connected();
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const processKeys = await redis.keys(`${app.env.redisPrefix}:agents:process:*`);
      await redis.del(`${app.env.redisPrefix}:agents:connections`, ...processKeys);
      expect(await listedOn(other, id)).toMatchObject({ connected: false });
      await eventually(async () => expect(await listedOn(other, id)).toMatchObject({ connected: true }), 15_000);
      // a crashed process stops refreshing its key: its leftover entry does not count, and is dropped
      const ghost = await enroll(app);
      const leftover = { connection: 'c', process: 'crashed', protocol: 'ws', since: 1, version: null, hostId: null };
      await redis.hset(`${app.env.redisPrefix}:agents:connections`, ghost.id, JSON.stringify(leftover));
      expect(await listedOn(other, ghost.id)).toMatchObject({ connected: false, connection: null });
      expect(await redis.hexists(`${app.env.redisPrefix}:agents:connections`, ghost.id)).toBe(0);
    } finally {
      await redis.quit();
      socket.close();
    }
  });
});
