import { Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { GroupCommit } from '../../common/group-commit';
import { HintedError } from '../../common/hinted-error';
import { Event } from '../entities';
import { SEARCH_DATA_SOURCE } from '../search-data-source';
import { dropDaysBefore, utcDate } from './day-partitions';
import { EventsListQuery, pageQuery, RawListed } from './events-page-query';
import { namesEqualTo, namesMatching } from './event-service-names';

export type { EventsListQuery } from './events-page-query';

/** An event as the `persistence` queue carries it: times are epoch seconds; `uid` makes a rewrite a no-op. */
export interface EventRow {
  uid: string;
  date: number;
  level: number;
  service: string;
  message: string;
  alert: boolean;
  /**
   * The uid repeats on a retry that takes the date again (a client's idempotency key, a re-driven death), so it is
   * claimed in `event_keys`. Without it, (uid, date) is unique: what a retried batch repeats. Absent in jobs queued
   * by a version before partitioning, read as keyed.
   */
  keyed?: boolean;
}

export interface ListedEvent {
  id: string;
  date: number;
  level: number;
  service: string;
  message: string;
  alert: boolean;
  /** Bytes of this row and every row before it on the page (ROW_BYTES each, plus service and message). */
  runningBytes: number;
}

/** Regex filters run inside PostgreSQL under this budget. */
const REGEX_TIMEOUT_MS = 2000;
const QUERY_CANCELED = '57014';

export interface RecentEvent {
  date: number;
  level: number;
  message: string;
}

/** Alert contexts read together at most: one statement stays small whatever the burst. */
const RECENT_BATCH = 200;

const DAY_S = 86_400;
const DAY_MS = DAY_S * 1000;
const INSERT = `INSERT INTO events (uid, date, level, service, message, alert)
  SELECT u, to_timestamp(d), l, s, m, a
  FROM unnest($1::text[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::bool[]) AS t(u, d, l, s, m, a)
  ON CONFLICT (uid, date) DO NOTHING`;
// the claims and the rows in one statement: a claim never stands without its row, nor a row without its claim
const INSERT_CLAIMING = `WITH t AS (
    SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::bool[], $7::bool[])
      AS t(u, d, l, s, m, a, k)),
  claimed AS (
    -- claimed in uid order: two batches claiming the same uids never wait on each other crosswise
    INSERT INTO event_keys (uid, date) SELECT u, to_timestamp(d) FROM t WHERE k ORDER BY u
    ON CONFLICT (uid) DO NOTHING RETURNING uid)
  INSERT INTO events (uid, date, level, service, message, alert)
  SELECT u, to_timestamp(d), l, s, m, a FROM t WHERE NOT k OR u IN (SELECT uid FROM claimed)
  ON CONFLICT (uid, date) DO NOTHING`;

/** The only reader and writer of `events`. */
@Injectable()
export class EventsRepository {
  /** Listings run on the search pool, so they never take the writer's connections (database.module.ts). */
  private readonly searches: EntityManager;
  private readonly recentReads = new GroupCommit<{ service: string; count: number }, RecentEvent[]>(
    async (wanted) => this.recentMany(wanted),
    { maxItems: RECENT_BATCH },
  );
  private readonly logger = new Logger(EventsRepository.name);
  /** UTC days (days since the epoch) whose partition this process made or found. */
  private readonly days = new Set<number>();

  constructor(
    @InjectRepository(Event) private readonly events: Repository<Event>,
    // optional for callers that build the repository on one DataSource (repositories.spec.ts)
    @Optional() @InjectDataSource(SEARCH_DATA_SOURCE) search?: DataSource,
  ) {
    this.searches = search?.manager ?? events.manager;
  }

  /**
   * One statement for any batch size (unnest); a row already stored is skipped. A caller that passes a transaction
   * calls addDays first: a partition made inside a transaction that rolls back would be missing after it.
   */
  async insert(rows: EventRow[], tx?: EntityManager): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    if (tx === undefined) {
      await this.addDays(rows);
    }
    const seen = new Set<string>();
    // a keyed uid twice in one batch (a client's quick retry) is claimed once; its first row is the one stored
    const unique = rows.filter((row) => {
      if (row.keyed === false) {
        return true;
      }
      const first = !seen.has(row.uid);
      seen.add(row.uid);
      return first;
    });
    const keyed = seen.size > 0;
    await (tx ?? this.events.manager).query(keyed ? INSERT_CLAIMING : INSERT, [
      unique.map((e) => e.uid),
      unique.map((e) => e.date),
      unique.map((e) => e.level),
      unique.map((e) => e.service),
      unique.map((e) => e.message),
      unique.map((e) => e.alert),
      ...(keyed ? [unique.map((e) => e.keyed !== false)] : []),
    ]);
  }

  /**
   * Makes the UTC day partitions of these rows that this process has not seen yet: no round trip on the hot path.
   * A day dropped by retention since is only a cost: its rows land in events_default, nothing is lost.
   */
  async addDays(rows: readonly EventRow[]): Promise<void> {
    const missing = [...new Set(rows.map((row) => Math.floor(row.date / DAY_S)))].filter((day) => !this.days.has(day));
    if (missing.length === 0) {
      return;
    }
    try {
      await this.events.manager.query(`SELECT events_add_day(day) FROM unnest($1::date[]) AS day`, [
        missing.map(utcDate),
      ]);
    } catch (error) {
      // the rows are not refused for it: they land in events_default, and the next batch of the day tries again
      this.logger.warn(`day partitions not made yet (${(error as Error).message}); rows go to events_default`);
      return;
    }
    missing.forEach((day) => this.days.add(day));
  }

  /**
   * Up to `limit + 1` events, newest first, so the caller knows whether a next page exists (§7.5). The rows
   * are cut inside PostgreSQL once `maxBytes` is used up, keeping one row past the budget as the sign that more
   * exist: without it 10,000 messages of 64 KiB would be read into one answer past V8's string limit.
   */
  async list(query: EventsListQuery): Promise<ListedEvent[]> {
    const rows =
      query.serviceExact !== undefined && query.messagePattern === undefined
        ? await this.listExact(query, query.serviceExact)
        : query.servicePattern === undefined && query.messagePattern === undefined
          ? await pageQuery(this.searches, query).getRawMany<RawListed>()
          : await this.listUnderTimeout(query);
    return rows.map(({ id, epoch, level, service, message, alert, running }) => ({
      id,
      date: Number(epoch),
      level,
      service,
      message,
      alert,
      runningBytes: Number(running),
    }));
  }

  /**
   * The latest `count` events of a service, newest first: the context of an alert. The reads of one event-loop turn
   * share one statement: a burst of 10,000 deaths made 10,000 queries, a third of the API's time while they were
   * delivered (bench deadlines, ANALYSIS.md).
   */
  async recent(service: string, count: number): Promise<RecentEvent[]> {
    return this.recentReads.push({ service, count });
  }

  private async recentMany(wanted: { service: string; count: number }[]): Promise<RecentEvent[][]> {
    // plain SQL, as every alert reads this. Each service's rows come newest first from the (lower(service), date, id)
    // index of each day, newest day first, until the count is met. The exact name is compared as `service || ''`,
    // which no index serves: else the planner ANDs the trigram index in and reads all of the service's rows
    const rows = await this.events.manager.query<{ i: string; epoch: string; level: number; message: string }[]>(
      `SELECT w.i, extract(epoch FROM e.date)::bigint AS epoch, e.level, e.message
         FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS w(service, n, i)
         CROSS JOIN LATERAL (
           SELECT date, id, level, message FROM events
            WHERE lower(service) = lower(w.service) AND (service || '') = w.service
            ORDER BY date DESC, id DESC LIMIT w.n) e
        ORDER BY w.i, e.date DESC, e.id DESC`,
      [wanted.map((w) => w.service), wanted.map((w) => w.count)],
    );
    const results: RecentEvent[][] = wanted.map(() => []);
    for (const row of rows) {
      results[Number(row.i) - 1].push({ date: Number(row.epoch), level: row.level, message: row.message });
    }
    return results;
  }

  /**
   * Retention (§7.5): drops the day partitions that end at or before `cutoff`, whole (no DELETE, no vacuum debt), and
   * deletes the older rows of events_default and the older claims. An event is gone once its whole UTC day is past
   * the cutoff, so it is kept up to one day longer than the retention.
   */
  async dropOlderThan(cutoff: Date): Promise<{ days: string[]; rows: number }> {
    const manager = this.events.manager;
    const days = await dropDaysBefore(manager, 'events', cutoff.getTime());
    const [, rows] = await manager.query<[unknown, number]>(`DELETE FROM events_default WHERE date < $1`, [cutoff]);
    // the claims go with the days that went: a row of the cutoff's own day keeps its claim while it stays
    const dayStart = new Date(Math.floor(cutoff.getTime() / DAY_MS) * DAY_MS);
    await manager.query(`DELETE FROM event_keys WHERE date < $1`, [dayStart]);
    // found again at the next write of such a day, made again if it is gone
    this.days.clear();
    return { days, rows };
  }

  /** `^literal$`: its stored names first (`~*` on each name, not on every row), then their rows by index. */
  private async listExact(query: EventsListQuery, literal: string): Promise<RawListed[]> {
    const services = await namesEqualTo(this.searches, literal, query.servicePattern ?? '');
    return services.names.length === 0 ? [] : pageQuery(this.searches, query, services).getRawMany<RawListed>();
  }

  private async listUnderTimeout(query: EventsListQuery): Promise<RawListed[]> {
    try {
      return await this.searches.transaction(async (tx) => {
        await tx.query(`SET LOCAL statement_timeout = ${REGEX_TIMEOUT_MS}`);
        const services = query.servicePattern === undefined ? undefined : await namesMatching(tx, query.servicePattern);
        if (services?.names.length === 0) {
          return [];
        }
        return pageQuery(tx, query, services).getRawMany<RawListed>();
      });
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === QUERY_CANCELED) {
        throw new HintedError(400, 'regex filter too expensive: narrow the time window or the pattern');
      }
      throw error;
    }
  }
}
