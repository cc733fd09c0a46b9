import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, LessThan, Repository } from 'typeorm';
import { Heartbeat } from '../entities';

/** A heartbeat record as the `persistence` queue carries it and the rebuild reads it: times are epoch seconds. */
export interface HeartbeatRow {
  service: string;
  alertType: string;
  alertTarget: string;
  nextIn: number;
  repeatEvery: number | null;
  last: number;
  expected: number;
  alerted: boolean;
  cancelled: boolean;
  deadAt: number | null;
  position: number;
  version: number;
}

/** Deletes the row only if it is older than the transition that removed the record. */
export interface HeartbeatDeleteRow {
  service: string;
  version: number;
}

/** The only reader and writer of `heartbeats`, PostgreSQL's copy of the live records in Redis. */
@Injectable()
export class HeartbeatsRepository {
  constructor(@InjectRepository(Heartbeat) private readonly heartbeats: Repository<Heartbeat>) {}

  /** One statement for any batch size (unnest); an older transition never overwrites a newer one. */
  async upsert(rows: HeartbeatRow[], tx?: EntityManager): Promise<void> {
    const latest = latestPerService(rows);
    if (latest.length === 0) {
      return;
    }
    await (tx ?? this.heartbeats.manager).query(
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
        latest.map((r) => r.service),
        latest.map((r) => r.alertType),
        latest.map((r) => r.alertTarget),
        latest.map((r) => r.nextIn),
        latest.map((r) => r.repeatEvery),
        latest.map((r) => r.last),
        latest.map((r) => r.expected),
        latest.map((r) => r.alerted),
        latest.map((r) => r.cancelled),
        latest.map((r) => r.deadAt),
        latest.map((r) => r.position),
        latest.map((r) => r.version),
      ],
    );
  }

  async delete(rows: HeartbeatDeleteRow[], tx?: EntityManager): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await (tx ?? this.heartbeats.manager).query(
      `DELETE FROM heartbeats h USING unnest($1::text[], $2::bigint[]) AS t(s, v)
       WHERE h.service = t.s AND h.version < t.v`,
      [rows.map((d) => d.service), rows.map((d) => d.version)],
    );
  }

  /** Every record, to rebuild Redis when its live state is gone. */
  async all(): Promise<HeartbeatRow[]> {
    return (await this.heartbeats.find()).map(toRow);
  }

  /** Services cancelled and untouched since before `cutoff`: candidates for the purge (§6.7). */
  async cancelledBefore(cutoff: Date): Promise<string[]> {
    const rows = await this.heartbeats.find({
      select: { service: true },
      where: { cancelled: true, updatedAt: LessThan(cutoff) },
    });
    return rows.map((row) => row.service);
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

function toRow(entity: Heartbeat): HeartbeatRow {
  return {
    service: entity.service,
    alertType: entity.alertType,
    alertTarget: entity.alertTarget,
    nextIn: entity.nextIn,
    repeatEvery: entity.repeatEvery,
    last: epochSeconds(entity.last),
    expected: epochSeconds(entity.expected),
    alerted: entity.alerted,
    cancelled: entity.cancelled,
    deadAt: entity.deadAt === null ? null : epochSeconds(entity.deadAt),
    position: Number(entity.position),
    version: Number(entity.version),
  };
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
