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

export type HeartbeatState = 'alive' | 'late' | 'dead' | 'cancelled';

/** A console page of `heartbeats` (docs/console-api.md): sorted, searched and paged in SQL. */
export interface HeartbeatsPageQuery {
  state?: HeartbeatState;
  /** A case-insensitive substring of the service name. */
  search?: string;
  sort: 'service' | 'state' | 'last' | 'expected';
  descending: boolean;
  limit: number;
  offset: number;
  /** Epoch seconds: a record past its deadline but not yet declared dead is late from then on. */
  now: number;
}

export interface HeartbeatListed {
  service: string;
  state: HeartbeatState;
  alertType: string;
  alertTarget: string;
  nextIn: number;
  repeatEvery: number | null;
  last: number;
  expected: number;
  deadAt: number | null;
}

/** The state of a row, in the order the console sorts them by (worst first when descending). */
const STATE_SQL = `CASE WHEN cancelled THEN 'cancelled' WHEN alerted THEN 'dead'
  WHEN expected < to_timestamp($1::bigint) THEN 'late' ELSE 'alive' END`;
const STATE_RANK_SQL = `CASE WHEN cancelled THEN 0 WHEN alerted THEN 3 WHEN expected < to_timestamp($1::bigint) THEN 2 ELSE 1 END`;
const SORT_SQL = { service: 'service', state: STATE_RANK_SQL, last: 'last', expected: 'expected' } as const;

/** The only reader and writer of `heartbeats`, PostgreSQL's copy of the live records in Redis. */
@Injectable()
export class HeartbeatsRepository {
  constructor(@InjectRepository(Heartbeat) private readonly heartbeats: Repository<Heartbeat>) {}

  /** One page and the number of rows matching; ties go by service name, A to Z either way (§12), so pages never overlap. */
  async page(query: HeartbeatsPageQuery): Promise<{ rows: HeartbeatListed[]; total: number }> {
    // $1 is always `now`: the state column needs it, and the count names it so its type is known
    const params: unknown[] = [query.now];
    const where = ['$1::bigint IS NOT NULL'];
    if (query.state !== undefined) {
      params.push(query.state);
      where.push(`${STATE_SQL} = $${params.length}`);
    }
    if (query.search !== undefined) {
      params.push(`%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`service ILIKE $${params.length}`);
    }
    const filter = `WHERE ${where.join(' AND ')}`;
    const direction = query.descending ? 'DESC' : 'ASC';
    const manager = this.heartbeats.manager;
    const [rows, counted] = await Promise.all([
      manager.query<RawListed[]>(
        `SELECT service, ${STATE_SQL} AS state, alert_type, alert_target, next_in, repeat_every,
                extract(epoch FROM last)::bigint AS last, extract(epoch FROM expected)::bigint AS expected,
                extract(epoch FROM dead_at)::bigint AS dead_at
         FROM heartbeats ${filter}
         ORDER BY ${SORT_SQL[query.sort]} ${direction}, service ASC
         LIMIT ${query.limit} OFFSET ${query.offset}`,
        params,
      ),
      manager.query<{ total: string }[]>(`SELECT count(*) AS total FROM heartbeats ${filter}`, params),
    ]);
    return {
      rows: rows.map((row) => ({
        service: row.service,
        state: row.state,
        alertType: row.alert_type,
        alertTarget: row.alert_target,
        nextIn: row.next_in,
        repeatEvery: row.repeat_every,
        last: Number(row.last),
        expected: Number(row.expected),
        deadAt: row.dead_at === null ? null : Number(row.dead_at),
      })),
      total: Number(counted[0].total),
    };
  }

  /** How many records are in each state at `now`. */
  async countByState(now: number): Promise<Record<HeartbeatState, number>> {
    const rows = await this.heartbeats.manager.query<{ state: HeartbeatState; count: string }[]>(
      `SELECT ${STATE_SQL} AS state, count(*) AS count FROM heartbeats GROUP BY 1`,
      [now],
    );
    const counts = { alive: 0, late: 0, dead: 0, cancelled: 0 };
    for (const row of rows) {
      counts[row.state] = Number(row.count);
    }
    return counts;
  }

  /** One statement for any batch size; an older transition never overwrites a newer one. */
  async upsert(rows: HeartbeatRow[], tx?: EntityManager): Promise<void> {
    if (rows.length > 0) {
      await this.upsertJson(JSON.stringify(rows), tx);
    }
  }

  /**
   * Upserts a JSON array of records (HeartbeatRow or the live record's JSON, whose optional fields are absent):
   * PostgreSQL decodes it, so a batch of raw records from Redis costs the process no parse and no array escaping.
   * ON CONFLICT cannot touch one row twice in a statement: each service's newest version is kept. The rows go in
   * byte order of service (JavaScript's sort of `delete` agrees on it), so that two writers (the drain of pulsed
   * records and a batch of deaths) lock rows in the same order and never deadlock.
   */
  private async upsertJson(records: string, tx?: EntityManager): Promise<void> {
    await (tx ?? this.heartbeats.manager).query(
      `INSERT INTO heartbeats (service, alert_type, alert_target, next_in, repeat_every, last, expected, alerted,
                               cancelled, dead_at, position, version, updated_at)
       SELECT DISTINCT ON (t.service COLLATE "C") t.service, t."alertType", t."alertTarget", t."nextIn", t."repeatEvery",
              to_timestamp(t.last), to_timestamp(t.expected), t.alerted, t.cancelled, to_timestamp(t."deadAt"),
              t.position, t.version, now()
       FROM json_to_recordset($1::json) AS t(service text, "alertType" text, "alertTarget" text, "nextIn" int,
            "repeatEvery" int, last bigint, expected bigint, alerted bool, cancelled bool, "deadAt" bigint,
            position bigint, version bigint)
       ORDER BY t.service COLLATE "C", t.version DESC
       ON CONFLICT (service) DO UPDATE SET
         alert_type = excluded.alert_type, alert_target = excluded.alert_target, next_in = excluded.next_in,
         repeat_every = excluded.repeat_every, last = excluded.last, expected = excluded.expected,
         alerted = excluded.alerted, cancelled = excluded.cancelled, dead_at = excluded.dead_at,
         position = excluded.position, version = excluded.version, updated_at = now()
       WHERE heartbeats.version < excluded.version`,
      [records],
    );
  }

  async delete(rows: HeartbeatDeleteRow[], tx?: EntityManager): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    // in service order, like the upserts (see upsertJson)
    const sorted = [...rows].sort(byService);
    await (tx ?? this.heartbeats.manager).query(
      `DELETE FROM heartbeats h USING unnest($1::text[], $2::bigint[]) AS t(s, v)
       WHERE h.service = t.s AND h.version < t.v`,
      [sorted.map((d) => d.service), sorted.map((d) => d.version)],
    );
  }

  /**
   * The drain's copy of changed live records (HeartbeatRowsDrain): `records` are raw live records, each the JSON
   * Redis holds. With only upserts or only deletes it is one statement, so no transaction round trips.
   */
  async copy(records: string[], deletes: HeartbeatDeleteRow[]): Promise<void> {
    const upsert = async (tx?: EntityManager): Promise<void> =>
      records.length > 0 ? this.upsertJson(`[${records.join(',')}]`, tx) : undefined;
    if (deletes.length === 0 || records.length === 0) {
      await upsert();
      await this.delete(deletes);
      return;
    }
    await this.heartbeats.manager.transaction(async (tx) => {
      await upsert(tx);
      await this.delete(deletes, tx);
    });
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

interface RawListed {
  service: string;
  state: HeartbeatState;
  alert_type: string;
  alert_target: string;
  next_in: number;
  repeat_every: number | null;
  last: string;
  expected: string;
  dead_at: string | null;
}

function byService(a: { service: string }, b: { service: string }): number {
  return a.service < b.service ? -1 : a.service > b.service ? 1 : 0;
}
