import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { HeartbeatRow, PersistenceBatch } from './persistence.types';

/**
 * Writes one batch in one transaction with array parameters (unnest), so a batch of any size is a
 * handful of statements. Every write is idempotent: a retried job changes nothing twice.
 */
@Injectable()
export class PersistenceWriter {
  constructor(private readonly db: DataSource) {}

  async write(batch: PersistenceBatch): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.writeEvents(tx, batch);
      await this.writeHeartbeats(tx, latestPerService(batch.heartbeats));
      await this.deleteHeartbeats(tx, batch);
      await this.writeHistory(tx, batch);
    });
  }

  private async writeEvents(tx: EntityManager, { events }: PersistenceBatch): Promise<void> {
    if (events.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO events (uid, date, level, service, message, alert)
       SELECT u, to_timestamp(d), l, s, m, a
       FROM unnest($1::text[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::bool[]) AS t(u, d, l, s, m, a)
       ON CONFLICT (uid) DO NOTHING`,
      [
        events.map((e) => e.uid),
        events.map((e) => e.date),
        events.map((e) => e.level),
        events.map((e) => e.service),
        events.map((e) => e.message),
        events.map((e) => e.alert),
      ],
    );
  }

  private async writeHeartbeats(tx: EntityManager, rows: HeartbeatRow[]): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO heartbeats (service, alert_type, alert_target, next_in, repeat_every, last, expected, alerted,
                               cancelled, dead_at, position, version, updated_at)
       SELECT s, at, tg, n, r, to_timestamp(l), to_timestamp(e), al, c, to_timestamp(d), p, v, now()
       FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::int[], $6::bigint[], $7::bigint[],
                   $8::bool[], $9::bool[], $10::bigint[], $11::bigint[], $12::bigint[])
            AS t(s, at, tg, n, r, l, e, al, c, d, p, v)
       ON CONFLICT (service) DO UPDATE SET
         alert_type = excluded.alert_type, alert_target = excluded.alert_target, next_in = excluded.next_in,
         repeat_every = excluded.repeat_every, last = excluded.last, expected = excluded.expected,
         alerted = excluded.alerted, cancelled = excluded.cancelled, dead_at = excluded.dead_at,
         position = excluded.position, version = excluded.version, updated_at = now()
       WHERE heartbeats.version < excluded.version`,
      [
        rows.map((r) => r.service),
        rows.map((r) => r.alertType),
        rows.map((r) => r.alertTarget),
        rows.map((r) => r.nextIn),
        rows.map((r) => r.repeatEvery),
        rows.map((r) => r.last),
        rows.map((r) => r.expected),
        rows.map((r) => r.alerted),
        rows.map((r) => r.cancelled),
        rows.map((r) => r.deadAt),
        rows.map((r) => r.position),
        rows.map((r) => r.version),
      ],
    );
  }

  private async deleteHeartbeats(tx: EntityManager, { deletes }: PersistenceBatch): Promise<void> {
    if (deletes.length === 0) {
      return;
    }
    await tx.query(
      `DELETE FROM heartbeats h USING unnest($1::text[], $2::bigint[]) AS t(s, v)
       WHERE h.service = t.s AND h.version < t.v`,
      [deletes.map((d) => d.service), deletes.map((d) => d.version)],
    );
  }

  private async writeHistory(tx: EntityManager, { history }: PersistenceBatch): Promise<void> {
    if (history.length === 0) {
      return;
    }
    await tx.query(
      `INSERT INTO heartbeat_history (uid, service, action, at, next_in, expected)
       SELECT u, s, a, to_timestamp(t), n, to_timestamp(e)
       FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::int[], $6::bigint[]) AS x(u, s, a, t, n, e)
       ON CONFLICT (uid) DO NOTHING`,
      [
        history.map((h) => h.uid),
        history.map((h) => h.service),
        history.map((h) => h.action),
        history.map((h) => h.at),
        history.map((h) => h.nextIn),
        history.map((h) => h.expected),
      ],
    );
  }
}

/** ON CONFLICT cannot touch one row twice in a statement: keep each service's newest transition. */
function latestPerService(rows: HeartbeatRow[]): HeartbeatRow[] {
  const latest = new Map<string, HeartbeatRow>();
  for (const row of rows) {
    const seen = latest.get(row.service);
    if (!seen || seen.version < row.version) {
      latest.set(row.service, row);
    }
  }
  return [...latest.values()];
}
