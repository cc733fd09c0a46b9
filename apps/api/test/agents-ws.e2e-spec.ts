import { WebSocket } from 'ws';
import { Clock } from '../src/common/clock';
import { eventually, TestApp, TestStores } from './app';
import { AgentSocket, connectAgent, Connected, enroll, newHost, rawUpgrade, snapshotNow } from './agent-sockets';

// Probes never leave loopback, even though nothing here collects
const LOOPBACK = { AGENT_GATEWAY: '127.0.0.1', AGENT_DNS_SERVER: '127.0.0.1' };
const MIB = 1024 * 1024;

describe('agent WebSocket gateway /api/v1/agents/ws (agent-protocol.md §2-§3)', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ ...LOOPBACK, AUTH_FAILURES_PER_MINUTE: '0' });
  });
  afterAll(async () => stores.destroy());

  const connected = async (): Promise<Connected> => connectAgent(app);

  describe('before the upgrade', () => {
    it.each([
      ['no key', []],
      ['a bad key', ['Authorization: Bearer wt_ak_' + 'x'.repeat(32)]],
      ['not a bearer', ['Authorization: Basic YWRtaW46YWRtaW4=']],
    ])('%s: a raw HTTP/1.1 401 with a JSON body, never a 101', async (_, headers) => {
      const text = await rawUpgrade(app, headers);
      expect(text).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
      expect(text).not.toContain('101');
      expect(text).toContain('Connection: close');
      expect(JSON.parse(text.split('\r\n\r\n')[1])).toEqual({ error: expect.any(String) });
    });

    it('a revoked key: 401', async () => {
      const { id, key } = await enroll(app);
      expect((await app.request('DELETE', `/api/v1/agents/${id}`)).status).toBe(200);
      expect(await rawUpgrade(app, [`Authorization: Bearer ${key}`])).toMatch(/^HTTP\/1\.1 401 /);
    });

    it('another path: 404, even with a good key', async () => {
      const { key } = await enroll(app);
      expect(await rawUpgrade(app, [`Authorization: Bearer ${key}`], '/api/v2/agents/ws')).toMatch(/^HTTP\/1\.1 404 /);
      expect(await rawUpgrade(app, [`Authorization: Bearer ${key}`])).toMatch(/^HTTP\/1\.1 101 /);
    });

    it('an address that keeps failing gets 429 with Retry-After', async () => {
      const throttled = await stores.start({ ...LOOPBACK, AUTH_FAILURES_PER_MINUTE: '3' });
      const answers: string[] = [];
      // the count is per minute: a minute that ends mid-test restarts it, so keep trying a few more times
      for (let i = 0; i < 10 && !answers.at(-1)?.startsWith('HTTP/1.1 429'); i++) {
        answers.push(await rawUpgrade(throttled, ['Authorization: Bearer nope']));
      }
      expect(answers[0]).toMatch(/^HTTP\/1\.1 401 /);
      expect(answers.at(-1)).toMatch(/^HTTP\/1\.1 429 Too Many Requests\r\n/);
      expect(answers.at(-1)).toMatch(/\r\nRetry-After: \d+\r\n/);
      await throttled.close();
    });

    it('AGENTS_REQUIRE_TLS: plain ws gets 426; a trusted proxy saying https is let through as wss', async () => {
      const strict = await stores.start({ ...LOOPBACK, AGENTS_REQUIRE_TLS: 'true', TRUST_PROXY: '127.0.0.1' });
      const { id, key } = await enroll(strict);
      expect(await rawUpgrade(strict, [`Authorization: Bearer ${key}`])).toMatch(
        /^HTTP\/1\.1 426 Upgrade Required\r\n/,
      );
      const socket = await AgentSocket.open(strict, key, { 'x-forwarded-proto': 'https' });
      expect((await socket.hello()).type).toBe('welcome');
      const listed = await strict.request('GET', '/api/v1/agents');
      expect(listed.json.agents.find((agent: { id: string }) => agent.id === id).connection.protocol).toBe('wss');
      socket.close();
      await strict.close();
    });
  });

  describe('messages', () => {
    it('hello -> welcome with the agent, the host and the settings', async () => {
      const { id, key } = await enroll(app);
      const socket = await AgentSocket.open(app, key);
      const host = newHost();
      expect(await socket.hello(host)).toEqual({
        type: 'welcome',
        agent_id: id,
        host_id: host.host_id,
        server_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        server_version: expect.any(String),
        settings: {
          interval_secs: 15,
          health_interval_secs: expect.any(Number),
          bandwidth_alert_bytes_per_sec: expect.any(Number),
        },
      });
      socket.close();
    });

    it('ingest of the §3 example -> ack accepted 1 once queued, and the row lands in snapshots', async () => {
      const { id, socket, host } = await connected();
      const snapshot = snapshotNow();
      socket.send({ type: 'ingest', id: 'b1', snapshots: [snapshot, { timestamp: 'yesterday' }] });
      expect(await socket.next()).toEqual({
        type: 'ack',
        id: 'b1',
        accepted: 1,
        rejected: 1,
        host_id: host.host_id,
        results: [
          { index: 0, status: 200, message: 'OK' },
          { index: 1, status: 400, message: expect.stringContaining('snapshots[1]') },
        ],
      });
      const rows = await eventually(async () => {
        const found = await app.sql('SELECT cpu_pct FROM snapshots WHERE host_id = $1', [host.host_id]);
        expect(found).toHaveLength(1);
        return found;
      }, 15_000);
      expect(rows[0].cpu_pct).toBeCloseTo(snapshot.system.cpu_usage_pct);
      const agent = (await app.request('GET', '/api/v1/agents')).json.agents.find((a: { id: string }) => a.id === id);
      expect(agent.connection.lastSnapshotAt).toBe(Math.floor(Date.parse(snapshot.timestamp) / 1000));
      socket.close();
    });

    it('invalid JSON, an unknown type and a schema violation -> error, and the connection stays', async () => {
      const { key } = await enroll(app);
      const socket = await AgentSocket.open(app, key);
      socket.send('{"type": "hello",');
      expect(await socket.next()).toMatchObject({ type: 'error', code: 'bad_json' });
      socket.send({ type: 'teleport', id: 'x1' });
      expect(await socket.next()).toMatchObject({ type: 'error', id: 'x1', code: 'unknown_type' });
      socket.send({ type: 'hello', schema_version: 1, agent_version: 'a/1', host: { ...newHost(), host_id: 'no' } });
      expect(await socket.next()).toMatchObject({
        type: 'error',
        code: 'invalid',
        message: expect.stringContaining('host.host_id'),
      });
      expect((await socket.hello()).type).toBe('welcome');
      socket.send({ type: 'ingest', id: 'i1', snapshots: [] });
      expect(await socket.next()).toMatchObject({
        type: 'error',
        id: 'i1',
        code: 'invalid',
        message: expect.stringContaining('snapshots'),
      });
      socket.send({ type: 'pulse', id: 'p1', service: 'svc' });
      expect(await socket.next()).toMatchObject({
        type: 'error',
        id: 'p1',
        code: 'invalid',
        message: 'no nextIn provided',
      });
      socket.close();
    });

    it('anything but hello first -> closed with 1008', async () => {
      const { key } = await enroll(app);
      const socket = await AgentSocket.open(app, key);
      socket.send({ type: 'ingest', id: 'early', snapshots: [snapshotNow()] });
      expect((await socket.closed).code).toBe(1008);
    });

    it('ten errors within a minute -> closed with 1008', async () => {
      const { socket } = await connected();
      for (let i = 0; i < 10; i++) {
        socket.send('not json');
      }
      expect(await socket.closed).toEqual({ code: 1008, reason: expect.stringContaining('errors') });
      expect(socket.messages.filter((message) => message.code === 'bad_json')).toHaveLength(10);
    });

    it('a 2 MiB frame -> 1009; a binary frame -> 1003', async () => {
      const big = (await connected()).socket;
      big.send(JSON.stringify({ type: 'event', id: 'e', service: 's', message: 'x'.repeat(2 * MIB) }));
      expect((await big.closed).code).toBe(1009);
      const binary = (await connected()).socket;
      binary.ws.send(Buffer.from('{"type":"bye"}'), { binary: true });
      expect((await binary.closed).code).toBe(1003);
    });

    it('pulse and event -> ack, as their HTTP routes would store them', async () => {
      const { socket, host } = await connected();
      const service = `relayed-${host.host_id}`;
      socket.send({ type: 'pulse', id: 'p1', service, nextIn: 60, alertType: 'log', alertTarget: 'x' });
      expect(await socket.next()).toEqual({ type: 'ack', id: 'p1', result: 200 });
      expect((await app.request('GET', `/heartbeat/${service}`)).json.heartBeat).toMatchObject({ service, nextIn: 60 });
      socket.send({ type: 'event', id: 'e1', service, level: 3, message: 'from the agent' });
      expect(await socket.next()).toEqual({ type: 'ack', id: 'e1', result: 200 });
      await eventually(async () =>
        expect(await app.eventsOf(service)).toEqual([{ message: 'from the agent', level: 3 }]),
      );
      socket.close();
    });

    it('bye -> closed with 1000 and the presence service cancelled', async () => {
      const { socket, host } = await connected();
      const presence = `/heartbeat/${encodeURIComponent(`agent:${host.hostname}`)}`;
      expect((await app.request('GET', presence)).json.heartBeat).toMatchObject({ cancelled: false });
      socket.send({ type: 'bye', reason: 'stopping' });
      expect((await socket.closed).code).toBe(1000);
      expect((await app.request('GET', presence)).json.heartBeat).toMatchObject({ cancelled: true });
    });
  });

  describe('one connection per agent', () => {
    it('a second connection with the same key closes the first with 4000; the second works on', async () => {
      const { id, key } = await enroll(app);
      const first = await AgentSocket.open(app, key);
      expect((await first.hello()).type).toBe('welcome');
      const second = await AgentSocket.open(app, key);
      expect(await first.closed).toEqual({ code: 4000, reason: 'replaced' });
      expect((await second.hello()).type).toBe('welcome');
      // the replaced socket's teardown must not have removed the new entry
      const listed = await app.request('GET', '/api/v1/agents');
      expect(listed.json.agents.find((agent: { id: string }) => agent.id === id)).toMatchObject({ connected: true });
      second.close();
      await eventually(async () => {
        const after = await app.request('GET', '/api/v1/agents');
        expect(after.json.agents.find((agent: { id: string }) => agent.id === id)).toMatchObject({ connected: false });
      });
    });

    it('revoked mid-session -> closed with 4001', async () => {
      const { id, socket } = await connected();
      expect((await app.request('DELETE', `/api/v1/agents/${id}`)).status).toBe(200);
      expect(await socket.closed).toEqual({ code: 4001, reason: 'revoked' });
    });
  });

  it('pings after 30 s and terminates a socket silent for 75 s (time driven through the Clock)', async () => {
    const api = await stores.start({ ...LOOPBACK, ROLE: 'api', AUTH_FAILURES_PER_MINUTE: '0' });
    const clock = api.app.get(Clock);
    const { key } = await enroll(app);
    const socket = await AgentSocket.open(api, key, {}, { autoPong: false });
    const pinged = new Promise((resolve) => socket.ws.once('ping', resolve));
    clock.nowMs = () => Date.now() + 31_000;
    await pinged;
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    clock.nowMs = () => Date.now() + 80_000;
    // terminated: no close frame, so the client sees an abnormal closure
    expect((await socket.closed).code).toBe(1006);
    await api.close();
  });
});
