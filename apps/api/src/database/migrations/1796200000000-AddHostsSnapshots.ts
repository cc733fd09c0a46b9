import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddHostsSnapshots1796200000000 implements MigrationInterface {
  name = 'AddHostsSnapshots1796200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE hosts (
        id uuid PRIMARY KEY,
        agent_id uuid REFERENCES agents(id),
        hostname text NOT NULL,
        info jsonb NOT NULL,
        agent_version text NOT NULL,
        embedded boolean NOT NULL DEFAULT false,
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL,
        last_snapshot_at timestamptz
      )`);
    await q.query(`CREATE INDEX hosts_hostname ON hosts (hostname)`);
    // Partitioned by day: retention drops whole partitions (no DELETE, no vacuum debt), and a chart's range
    // touches only its days. Partitions (snapshots_pYYYYMMDD) are created on demand by the writer.
    // No foreign key to hosts: the writer upserts the host in the same transaction, and a key on a
    // partitioned table would only slow the inserts.
    await q.query(`
      CREATE TABLE snapshots (
        host_id uuid NOT NULL,
        timestamp timestamptz NOT NULL,
        cpu_pct real,
        mem_used_bytes bigint,
        mem_total_bytes bigint,
        load1 real,
        load5 real,
        load15 real,
        disk_used_pct real,
        data jsonb NOT NULL,
        PRIMARY KEY (host_id, timestamp)
      ) PARTITION BY RANGE (timestamp)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE snapshots`);
    await q.query(`DROP TABLE hosts`);
  }
}
