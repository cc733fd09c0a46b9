import type { Snapshot } from '@lib/wire-format';
import { example } from '../../test/ingest-fixtures';
import { toHostRow, toSnapshotRow } from './ingest.rows';

describe('ingest rows', () => {
  it('copies the system scalars and the fullest mount into columns, and keeps the whole snapshot', () => {
    const snapshot = example().snapshots[0];
    snapshot.disk_usage!.push({ ...snapshot.disk_usage![0], mount_point: '/var', usage_pct: 91.5 });
    expect(toSnapshotRow('h', 42, snapshot)).toEqual({
      hostId: 'h',
      micros: 42,
      cpuPct: 23.4,
      memUsedBytes: 6442450944,
      memTotalBytes: 16777216000,
      load1: 0.42,
      load5: 0.38,
      load15: 0.31,
      diskUsedPct: 91.5,
      data: snapshot,
    });
  });

  it('leaves the columns null when the snapshot has no system figures or disks', () => {
    const snapshot: Snapshot = { ...example().snapshots[0], system: null, disk_usage: null };
    expect(toSnapshotRow('h', 1, snapshot)).toMatchObject({ cpuPct: null, memUsedBytes: null, diskUsedPct: null });
  });

  it('describes the host by its HostInfo', () => {
    const host = example().host;
    const row = toHostRow(host, { agentId: null, agentVersion: '1', embedded: true, seenAt: 5, newestMicros: null });
    expect(row).toEqual({
      id: host.host_id,
      agentId: null,
      hostname: 'db-prod-2',
      info: host,
      agentVersion: '1',
      embedded: true,
      seenAt: 5,
      lastSnapshotMicros: null,
    });
  });
});
