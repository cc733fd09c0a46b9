import type { HostInfo } from '@lib/wire-format';
import { Clock } from '../src/common/clock';
import { QUEUE } from '../src/common/queues';
import { AgentsService } from '../src/agents/agents.service';
import { IngestService } from '../src/ingest/ingest.service';
import { eventually, TestApp, TestStores } from './app';
import { AgentSocket, connectAgent, enroll, newHost, snapshotNow } from './agent-sockets';
import { allJobs } from './jobs';

// Probes never leave loopback, even though nothing here collects
const LOOPBACK = { AGENT_GATEWAY: '127.0.0.1', AGENT_DNS_SERVER: '127.0.0.1' };
// AGENTS_INTERVAL_SECS defaults to 15: presence allows three of them
const DEFAULT_NEXT_IN = 45;

describe('agent presence agent:<hostname> (agent-protocol.md §5)', () => {
  let stores: TestStores;
  let app: TestApp;

  beforeAll(async () => {
    stores = await TestStores.create();
    app = await stores.start({ ...LOOPBACK, AUTH_FAILURES_PER_MINUTE: '0' });
  });
  afterAll(async () => stores.destroy());

  const presence = async (hostname: string): Promise<Record<string, any>> => {
    const res = await app.request('GET', `/heartbeat/${encodeURIComponent(`agent:${hostname}`)}`);
    expect(res.status).toBe(200);
    return res.json.heartBeat;
  };

  const downJobs = async (service: string) =>
    (await allJobs(app.queue(QUEUE.alerts), 'down')).filter((job) => job.data.service === service);

  /** Moves the app's Clock (deadlines, sweeps) forward instead of sleeping through them. */
  const advanceClock = (ms: number): (() => void) => {
    const clock = app.app.get(Clock);
    const real = clock.nowMs.bind(clock);
    clock.nowMs = () => real() + ms;
    return () => {
      clock.nowMs = real;
    };
  };

  describe('DELETE /api/v1/agents/:id', () => {
    it('cancels the presence of a revoked agent, so no down alert follows when its deadline passes', async () => {
      const { id, socket, host } = await connectAgent(app);
      expect(await presence(host.hostname)).toMatchObject({ nextIn: DEFAULT_NEXT_IN, cancelled: false });
      // a witness with the same nextIn, pulsed later: once it is reported down, the sweeper has passed the
      // presence deadline too
      const witness = `witness-${id.slice(0, 8)}`;
      const pulsed = await app.request('POST', '/heartbeat', {
        body: { service: witness, nextIn: DEFAULT_NEXT_IN, alertType: 'log', alertTarget: 'x' },
      });
      expect(pulsed.status).toBe(200);

      expect((await app.request('DELETE', `/api/v1/agents/${id}`)).status).toBe(200);
      expect(await socket.closed).toEqual({ code: 4001, reason: 'revoked' });
      expect(await presence(host.hostname)).toMatchObject({ cancelled: true });

      const restore = advanceClock((DEFAULT_NEXT_IN + 5) * 1000);
      try {
        await eventually(async () => expect(await downJobs(witness)).toHaveLength(1), 10_000);
      } finally {
        restore();
      }
      expect(await downJobs(`agent:${host.hostname}`)).toEqual([]);
      expect(await presence(host.hostname)).toMatchObject({ cancelled: true });
    });

    it('keeps it cancelled when an ingest checked before the revocation refreshes presence after it', async () => {
      const { id, key } = await enroll(app);
      const agent = (await app.app.get(AgentsService).verifyAgentKey(key))!;
      const host = newHost() as HostInfo;
      const envelope = { schema_version: 1 as const, agent_version: 'netwatch-agent/0.3.0', host };
      const ingest = async () =>
        app.app.get(IngestService).ingest({ agent }, { ...envelope, snapshots: [snapshotNow()] });
      expect((await ingest()).accepted).toBe(1);
      expect(await presence(host.hostname)).toMatchObject({ cancelled: false });
      expect((await app.request('DELETE', `/api/v1/agents/${id}`)).status).toBe(200);
      // the same Agent the key resolved to before the revocation, as a request or socket in flight holds it
      await ingest();
      expect(await presence(host.hostname)).toMatchObject({ cancelled: true });
    });
  });

  describe('POST /api/v1/agents/:id/settings', () => {
    it("moves presence to 3 x the agent's interval and keeps it across ingests and reconnects", async () => {
      // enrolled here rather than by connectAgent: the reconnect needs the key
      const { id, key } = await enroll(app);
      const socket = await AgentSocket.open(app, key);
      const host = newHost();
      expect(await socket.hello(host)).toMatchObject({ type: 'welcome', settings: { interval_secs: 15 } });
      expect(await presence(host.hostname)).toMatchObject({ nextIn: DEFAULT_NEXT_IN });

      const res = await app.request('POST', `/api/v1/agents/${id}/settings`, { body: { interval_secs: 60 } });
      expect(res.json).toMatchObject({ command: 'settings_update', delivered: true });
      expect(await socket.next()).toEqual({ type: 'settings_update', settings: { interval_secs: 60 } });
      await eventually(async () => expect(await presence(host.hostname)).toMatchObject({ nextIn: 180 }));

      // the next ingest refreshes presence with the new interval, not the server default
      socket.send({ type: 'ingest', id: 'b1', snapshots: [snapshotNow()] });
      expect(await socket.next()).toMatchObject({ type: 'ack', id: 'b1', accepted: 1 });
      expect(await presence(host.hostname)).toMatchObject({ nextIn: 180, cancelled: false });

      // stored with the agent: a setting changed while it is offline is applied at its next welcome
      socket.close();
      await eventually(async () => {
        const listed = (await app.request('GET', '/api/v1/agents')).json.agents;
        expect(listed.find((agent: { id: string }) => agent.id === id)).toMatchObject({ connected: false });
      });
      const offline = await app.request('POST', `/api/v1/agents/${id}/settings`, {
        body: { health_interval_secs: 120 },
      });
      expect(offline.json).toMatchObject({ command: 'settings_update', delivered: false });
      expect(await app.sql('SELECT settings FROM agents WHERE id = $1', [id])).toEqual([
        { settings: { interval_secs: 60, health_interval_secs: 120 } },
      ]);

      const again = await AgentSocket.open(app, key);
      const welcome = await again.hello(host);
      expect(welcome).toMatchObject({
        type: 'welcome',
        settings: { interval_secs: 60, health_interval_secs: 120, bandwidth_alert_bytes_per_sec: expect.any(Number) },
      });
      expect(await presence(host.hostname)).toMatchObject({ nextIn: 180, cancelled: false });
      again.close();
    });

    it('answers delivered false and stores nothing for an unknown or revoked agent', async () => {
      const { id } = await enroll(app);
      expect((await app.request('DELETE', `/api/v1/agents/${id}`)).status).toBe(200);
      const res = await app.request('POST', `/api/v1/agents/${id}/settings`, { body: { interval_secs: 60 } });
      expect([res.status, res.json.delivered]).toEqual([200, false]);
      expect(await app.sql('SELECT settings FROM agents WHERE id = $1', [id])).toEqual([{ settings: {} }]);
      const unknown = await app.request('POST', '/api/v1/agents/00000000-0000-4000-8000-000000000000/settings', {
        body: { interval_secs: 60 },
      });
      expect([unknown.status, unknown.json.delivered]).toEqual([200, false]);
    });
  });
});
