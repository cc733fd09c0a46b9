import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { example } from '../../../test/ingest-fixtures';
import { createDatabase } from '../../../test/stores';
import { ENTITIES, Host, Snapshot } from '../entities';
import { MIGRATIONS } from '../migrations';
import { HostRow, HostsRepository } from './hosts.repository';
import { partitionName, SnapshotRow, SnapshotsRepository } from './snapshots.repository';

const DAY_MS = 86_400_000;

// The write side of hosts and snapshots against a real, migrated PostgreSQL.
describe('hosts and snapshots (write side)', () => {
  let db: { url: string; drop(): Promise<void> };
  let source: DataSource;
  let hosts: HostsRepository;
  let snapshots: SnapshotsRepository;

  beforeAll(async () => {
    db = await createDatabase();
    source = new DataSource({ type: 'postgres', url: db.url, entities: ENTITIES, migrations: MIGRATIONS });
    await source.initialize();
    await source.runMigrations();
    hosts = new HostsRepository(source.getRepository(Host));
    snapshots = new SnapshotsRepository(source.getRepository(Snapshot));
  });
  afterAll(async () => {
    await source.destroy();
    await db.drop();
  });

  const host = (id: string, patch: Partial<HostRow> = {}): HostRow => ({
    id,
    agentId: null,
    hostname: 'web',
    info: { ...example().host, host_id: id },
    agentVersion: '1.0.0',
    embedded: false,
    seenAt: 1_000,
    lastSnapshotMicros: null,
    ...patch,
  });
  const snapshot = (hostId: string, micros: number): SnapshotRow => ({
    hostId,
    micros,
    cpuPct: 12.5,
    memUsedBytes: 2 ** 40,
    memTotalBytes: null,
    load1: null,
    load5: null,
    load15: null,
    diskUsedPct: null,
    data: example().snapshots[0],
  });

  it('upserts hosts: the latest description wins, the times only move forward', async () => {
    const id = randomUUID();
    await hosts.upsert([host(id, { seenAt: 2_000, lastSnapshotMicros: 5_000_000 })]);
    // one batch holding the host twice, the second older than what is stored
    await hosts.upsert([
      host(id, { hostname: 'web-renamed', seenAt: 1_500, lastSnapshotMicros: 7_000_000 }),
      host(id, { agentVersion: '2.0.0', hostname: 'web-2', seenAt: 1_000, lastSnapshotMicros: null }),
    ]);
    const rows = await source.query(
      `SELECT hostname, agent_version, extract(epoch FROM last_seen_at)::int AS seen,
              (extract(epoch FROM last_snapshot_at) * 1000000)::bigint AS snap FROM hosts WHERE id = $1`,
      [id],
    );
    expect(rows).toEqual([{ hostname: 'web-2', agent_version: '2.0.0', seen: 2_000, snap: '7000000' }]);
  });

  it('inserts snapshots once per (host_id, timestamp), into day partitions made on demand', async () => {
    const hostId = randomUUID();
    const day = Math.floor(Date.UTC(2031, 0, 2) / DAY_MS);
    const micros = day * DAY_MS * 1000 + 1;
    await source.transaction(async (tx) => snapshots.insert([snapshot(hostId, micros), snapshot(hostId, micros)], tx));
    await snapshots.insert([snapshot(hostId, micros), snapshot(hostId, micros + 1)]);
    expect(partitionName(day)).toBe('snapshots_p20310102');
    const rows = await source.query(
      `SELECT tableoid::regclass::text AS part, mem_used_bytes, cpu_pct,
              (extract(epoch FROM timestamp) * 1000000)::bigint AS micros
       FROM snapshots WHERE host_id = $1 ORDER BY timestamp`,
      [hostId],
    );
    expect(rows).toEqual([
      { part: 'snapshots_p20310102', mem_used_bytes: String(2 ** 40), cpu_pct: 12.5, micros: String(micros) },
      { part: 'snapshots_p20310102', mem_used_bytes: String(2 ** 40), cpu_pct: 12.5, micros: String(micros + 1) },
    ]);
  });

  it('drops a partition only once its whole day is before the cutoff', async () => {
    const hostId = randomUUID();
    const day = Math.floor(Date.UTC(2030, 5, 1) / DAY_MS);
    await snapshots.insert([snapshot(hostId, day * DAY_MS * 1000), snapshot(hostId, (day + 1) * DAY_MS * 1000)]);
    // the cutoff is the end of the first day: that day goes, the next stays
    expect(await snapshots.dropPartitionsBefore((day + 1) * DAY_MS)).toEqual(['snapshots_p20300601']);
    expect(await snapshots.dropPartitionsBefore((day + 1) * DAY_MS)).toEqual([]);
    const [{ n }] = await source.query(`SELECT count(*)::int AS n FROM snapshots WHERE host_id = $1`, [hostId]);
    expect(n).toBe(1);
  });
});
