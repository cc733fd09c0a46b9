import { randomUUID } from 'node:crypto';
import { eventually, TestApp, TestStores } from './app';
import { FakeProviders } from './providers';

const GIB = 1024 ** 3;

interface Figures {
  at: number;
  cpu: number;
  rx: number;
  tx: number;
  processes?: { name: string; rate: number }[];
  alert?: string;
}

/** A valid netwatch snapshot (wire-format.md §2) with the figures a test looks at. */
function snapshot(f: Figures): Record<string, unknown> {
  const iso = new Date(f.at * 1000).toISOString();
  return {
    timestamp: iso,
    interfaces: [
      {
        name: 'eth0',
        is_up: true,
        rx_bytes: f.rx,
        tx_bytes: f.tx,
        rx_bytes_delta: 0,
        tx_bytes_delta: 0,
        rx_packets: 0,
        tx_packets: 0,
        rx_errors: 0,
        tx_errors: 0,
        rx_drops: 0,
        tx_drops: 0,
      },
    ],
    health: null,
    connection_count: 3,
    system: {
      cpu_usage_pct: f.cpu,
      memory_total_bytes: 8 * GIB,
      memory_used_bytes: 2 * GIB,
      memory_available_bytes: 6 * GIB,
      load_avg_1m: 0.52,
      load_avg_5m: 0.4,
      load_avg_15m: 0.33,
      swap_total_bytes: 0,
      swap_used_bytes: 0,
      cpu_per_core: [f.cpu],
    },
    disk_usage: [
      {
        mount_point: '/',
        device: '/dev/sda1',
        total_bytes: 1000,
        used_bytes: 384,
        available_bytes: 616,
        usage_pct: 38.4,
      },
      {
        mount_point: '/var',
        device: '/dev/sda2',
        total_bytes: 1000,
        used_bytes: 912,
        available_bytes: 88,
        usage_pct: 91.2,
      },
    ],
    disk_io: null,
    tcp_time_wait: 0,
    tcp_close_wait: 0,
    processes: (f.processes ?? []).map((p, i) => ({
      process_name: p.name,
      pid: 100 + i,
      rx_bytes: 0,
      tx_bytes: 0,
      rx_rate: p.rate,
      tx_rate: 0,
      connection_count: 1,
    })),
    ...(f.alert
      ? { alerts: [{ severity: 'warning', category: 'port_scan', message: f.alert, detail: 'detail', timestamp: iso }] }
      : {}),
  };
}

describe('hosts read API and alert host context: GET /api/v1/hosts...', () => {
  let stores: TestStores;
  let app: TestApp;
  let fake: FakeProviders;
  let key: string;
  const hostId = randomUUID();
  const now = Math.floor(Date.now() / 1000);
  const host = {
    host_id: hostId,
    hostname: 'db-1',
    os: 'Debian GNU/Linux 12',
    kernel: '6.1.0',
    uptime_secs: 100,
    cpu_model: null,
    cpu_cores: 2,
    memory_total_bytes: 8 * GIB,
  };

  const ingest = async (snapshots: Record<string, unknown>[]) =>
    app.request('POST', '/api/v1/ingest', {
      password: null,
      headers: { authorization: `Bearer ${key}` },
      body: { agent_version: 'netwatch-agent/0.3.0', host, snapshots },
    });

  beforeAll(async () => {
    fake = await FakeProviders.start();
    stores = await TestStores.create();
    app = await stores.start({ ALERT_BACKOFF_MS: '50' });
    const enrolled = await app.request('POST', '/api/v1/agents', { body: { name: 'db-1' } });
    expect(enrolled.status).toBe(200);
    key = enrolled.json.key;
    const processes = Array.from({ length: 12 }, (_, i) => ({ name: `p${i}`, rate: (i + 1) * 1024 }));
    const res = await ingest([
      snapshot({ at: now - 90, cpu: 10, rx: 1000, tx: 500 }),
      snapshot({ at: now - 60, cpu: 20, rx: 4000, tx: 1100 }),
      // a counter reset (reboot): no negative rate
      snapshot({ at: now - 30, cpu: 30, rx: 100, tx: 1400 }),
      snapshot({ at: now, cpu: 12.5, rx: 3100, tx: 1700, processes, alert: 'Port scan from 203.0.113.50' }),
    ]);
    expect(res.status).toBe(200);
    await eventually(async () => {
      const rows = await app.sql('SELECT count(*)::int AS n FROM snapshots WHERE host_id = $1', [hostId]);
      expect(rows[0].n).toBe(4);
    });
  });
  afterAll(async () => {
    await stores.destroy();
    await fake.stop();
  });

  it('lists the host with the figures of its latest snapshot', async () => {
    const res = await app.request('GET', '/api/v1/hosts');
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      hosts: [
        {
          id: hostId,
          hostname: 'db-1',
          agentId: expect.any(String),
          embedded: false,
          agentVersion: 'netwatch-agent/0.3.0',
          lastSeenAt: expect.any(Number),
          lastSnapshotAt: now,
          cpuPct: 12.5,
          memUsedPct: 25,
          load1: 0.52,
          diskUsedPct: 91.2,
        },
      ],
      result: 200,
    });
    expect((await app.request('GET', '/api/v1/hosts', { password: 'wrong' })).status).toBe(403);
  });

  it('shows one host with its latest interfaces, disks, 10 busiest processes and open alerts', async () => {
    const res = await app.request('GET', `/api/v1/hosts/${hostId}`);
    expect(res.status).toBe(200);
    expect(res.json.host).toMatchObject({ id: hostId, hostname: 'db-1', load5: 0.4, load15: 0.33, info: host });
    expect(res.json.latest.timestamp).toBe(now);
    expect(res.json.latest.interfaces.map((i: { name: string }) => i.name)).toEqual(['eth0']);
    expect(res.json.latest.disks).toHaveLength(2);
    expect(res.json.latest.processes.map((p: { process_name: string }) => p.process_name)).toEqual([
      'p11',
      'p10',
      'p9',
      'p8',
      'p7',
      'p6',
      'p5',
      'p4',
      'p3',
      'p2',
    ]);
    expect(res.json.alerts).toEqual([expect.objectContaining({ message: 'Port scan from 203.0.113.50' })]);
  });

  it('answers 404 for an unknown or malformed host id', async () => {
    for (const path of [`/api/v1/hosts/${randomUUID()}`, '/api/v1/hosts/nope', `/api/v1/hosts/x/metrics`]) {
      const res = await app.request('GET', path);
      expect([res.status, res.json.hint]).toEqual([404, 'host not found']);
    }
  });

  it('returns downsampled series with interface rates from the counters', async () => {
    const res = await app.request('GET', `/api/v1/hosts/${hostId}/metrics?from=${now - 120}&to=${now + 1}&step=30`);
    expect(res.status).toBe(200);
    const t = (ago: number) => now - 120 + Math.floor((120 - ago) / 30) * 30;
    expect(res.json.step).toBe(30);
    expect(res.json.cpu).toEqual([
      [t(90), 10],
      [t(60), 20],
      [t(30), 30],
      [t(0), 12.5],
    ]);
    expect(res.json.memUsedPct[0]).toEqual([t(90), 25]);
    expect(res.json.diskUsedPct[0]).toEqual([t(90), 91.2]);
    // (4000 - 1000) / 30 s; the reset bucket is left out; (3100 - 100) / 30 s
    expect(res.json.interfaces.eth0.rx).toEqual([
      [t(60), 100],
      [t(0), 100],
    ]);
    expect(res.json.interfaces.eth0.tx).toEqual([
      [t(60), 20],
      [t(30), 10],
      [t(0), 10],
    ]);
  });

  it('raises the step so that no series exceeds 1,000 points, and accepts ISO dates', async () => {
    const from = new Date((now - 2 * 86400) * 1000).toISOString();
    const res = await app.request('GET', `/api/v1/hosts/${hostId}/metrics?from=${from}&to=${now + 1}&step=1`);
    expect(res.status).toBe(200);
    expect(res.json.step).toBe(Math.ceil((2 * 86400 + 1) / 1000));
    expect(res.json.cpu.length).toBeGreaterThan(0);
    // the default range is the last hour
    const recent = await app.request('GET', `/api/v1/hosts/${hostId}/metrics`);
    expect(recent.json.to - recent.json.from).toBe(3600);
  });

  it.each([
    ['from=yesterday', 'invalid from'],
    [`from=${now}&to=${now - 10}`, 'from must be before to'],
    ['step=0', 'step must be an integer from 1 to 31536000'],
  ])('refuses the metrics query %s', async (query, hint) => {
    const res = await app.request('GET', `/api/v1/hosts/${hostId}/metrics?${query}`);
    expect([res.status, res.json.hint]).toEqual([400, hint]);
  });

  const downContext = async (service: string, body: Record<string, unknown>) => {
    const path = `/${service}`;
    const res = await app.request('POST', '/heartbeat', {
      body: { service, nextIn: 1, alertType: 'webhook', alertTarget: `${fake.url}${path}`, ...body },
    });
    expect(res.status).toBe(200);
    const [request] = await eventually(async () => {
      expect(fake.on(path)).toHaveLength(1);
      return fake.on(path);
    }, 8000);
    return JSON.parse(request.raw).context;
  };

  const figures = {
    name: 'db-1',
    cpu: '12.5 %',
    memory: '2.0 of 8.0 GiB (25.0 %)',
    load: '0.52 0.40 0.33',
    disk: '/var 91.2 %',
    topProcess: 'p11 12.0 KiB/s',
    lastSnapshot: new Date(now * 1000).toISOString(),
  };

  it('gives a service pulsed with `host` its host figures in the down alert', async () => {
    const context = await downContext('db-backup', { host: 'db-1' });
    expect(context.host).toEqual(figures);
  });

  it("gives an agent's presence service its host figures in the down alert", async () => {
    const context = await downContext('agent:db-1', {});
    expect(context.host).toEqual(figures);
  });

  it('sends no host context for a service without a host, and refuses a bad host', async () => {
    const context = await downContext('no-host', {});
    expect(context.host).toBeUndefined();
    const res = await app.request('POST', '/heartbeat', {
      body: { service: 'x', nextIn: 60, alertType: 'webhook', alertTarget: `${fake.url}/x`, host: 'h'.repeat(256) },
    });
    expect([res.status, res.json.hint]).toEqual([400, 'host must be a string of 1 to 255 characters']);
  });
});
