import { randomUUID } from 'node:crypto';
import { eventually, TestApp } from '../app';
import { example } from '../ingest-fixtures';

// Data the console pages show, put in through the same doors a user's services and agents use.

export async function pulse(app: TestApp, service: string, nextIn: number, extra: object = {}): Promise<void> {
  const res = await app.request('POST', '/heartbeat', {
    body: { service, nextIn, alertType: 'log', alertTarget: 'ops', ...extra },
  });
  if (res.status !== 200) {
    throw new Error(`pulse ${service}: ${res.status} ${res.text}`);
  }
}

export async function addEvents(app: TestApp, service: string, count: number, level: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const res = await app.request('POST', '/event', {
      body: { service, level, message: `${service} step ${i + 1} of ${count}` },
    });
    if (res.status !== 200) {
      throw new Error(`event ${service}: ${res.status} ${res.text}`);
    }
  }
}

/** Waits until the persistence worker wrote `count` events in all. */
export async function eventsStored(app: TestApp, count: number): Promise<void> {
  await eventually(async () => {
    const [{ n }] = await app.sql<{ n: number }>('SELECT count(*)::int AS n FROM events');
    expect(n).toBeGreaterThanOrEqual(count);
  }, 20_000);
}

/** The wire-format §3 example host under a name and id of its own. */
export function hostInfo(hostname: string): Record<string, any> {
  return { ...example().host, host_id: randomUUID(), hostname };
}

/**
 * `count` snapshots one minute apart, the last one now, with figures that move (CPU, memory, load, counters
 * growing by a different amount each minute) so every chart has a line to draw.
 */
export function snapshotsOfLastMinutes(count: number): Record<string, any>[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const snapshot = example().snapshots[0] as Record<string, any>;
    const at = new Date(now - (count - 1 - i) * 60_000).toISOString();
    const wave = Math.sin(i / 2);
    snapshot.timestamp = at;
    snapshot.system.cpu_usage_pct = Math.round((40 + 30 * wave) * 10) / 10;
    snapshot.system.memory_used_bytes = Math.round(snapshot.system.memory_total_bytes * (0.5 + 0.1 * wave));
    snapshot.system.load_avg_1m = Math.round((1.5 + wave) * 100) / 100;
    for (const nic of snapshot.interfaces) {
      nic.rx_bytes += i * (6_000_000 + i * 400_000);
      nic.tx_bytes += i * (2_000_000 + i * 100_000);
    }
    // the network-intel alert (a port scan) comes with the latest snapshot only
    if (i === count - 1) {
      snapshot.alerts[0].timestamp = at;
    } else {
      delete snapshot.alerts;
    }
    return snapshot;
  });
}

/** A host with an hour's worth of figures, sent by an agent enrolled through the API over HTTP ingest. */
export async function seedHost(app: TestApp, hostname: string): Promise<string> {
  const enrolled = await app.request('POST', '/api/v1/agents', { body: { name: `agent-${hostname}` } });
  const request = { ...example(), host: hostInfo(hostname), snapshots: snapshotsOfLastMinutes(30) };
  const res = await fetch(`${app.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${enrolled.json.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
  if (res.status !== 200) {
    throw new Error(`ingest: ${res.status} ${await res.text()}`);
  }
  return eventually(async () => {
    const hosts = (await app.request('GET', '/api/v1/hosts')).json.hosts as Record<string, any>[];
    const host = hosts.find((candidate) => candidate.hostname === hostname);
    expect(host?.lastSnapshotAt).toEqual(expect.any(Number));
    return host!.id as string;
  }, 20_000);
}
