import { Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { GroupCommit } from '../../common/group-commit';
import { HintedError } from '../../common/hinted-error';
import { Event } from '../entities';
import { SEARCH_DATA_SOURCE } from '../search-data-source';
import { dropDaysBefore } from './day-partitions';
import { namesEqualTo, namesMatching, ServiceNames } from './event-service-names';

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

/** A listing's filters; the patterns are already translated for PostgreSQL and linear-safe (§7.4). */
export interface EventsListQuery {
  from: number;
  to: number;
  level?: number;
  servicePattern?: string;
  /** Wins over servicePattern: the same filter as an equality on lower(service), which an index serves. */
  serviceExact?: string;
  messagePattern?: string;
  limit: number;
  /** Bytes of service + message (as stored, plus a fixed share per row) one page may hold. */
  maxBytes: number;
  cursor?: { date: number; id: string };
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

/** A row's share of a page apart from its text: the JSON keys, date, level and punctuation. */
const ROW_BYTES = 64;
const ROW_SIZE = `(${ROW_BYTES} + octet_length(events.service) + octet_length(events.message))`;

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
        missing.map((day) => new Date(day * DAY_S * 1000).toISOString().slice(0, 10)),
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
          ? await this.listQuery(this.searches, query).getRawMany<RawListed>()
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
    const dayStart = new Date(Math.floor(cutoff.getTime() / (DAY_S * 1000)) * DAY_S * 1000);
    await manager.query(`DELETE FROM event_keys WHERE date < $1`, [dayStart]);
    // found again at the next write of such a day, made again if it is gone
    this.days.clear();
    return { days, rows };
  }

  /** `^literal$`: its stored names first (`~*` on each name, not on every row), then their rows by index. */
  private async listExact(query: EventsListQuery, literal: string): Promise<RawListed[]> {
    const services = await namesEqualTo(this.searches, literal, query.servicePattern ?? '');
    return services.names.length === 0 ? [] : this.listQuery(this.searches, query, services).getRawMany<RawListed>();
  }

  private async listUnderTimeout(query: EventsListQuery): Promise<RawListed[]> {
    try {
      return await this.searches.transaction(async (tx) => {
        await tx.query(`SET LOCAL statement_timeout = ${REGEX_TIMEOUT_MS}`);
        const services = query.servicePattern === undefined ? undefined : await namesMatching(tx, query.servicePattern);
        if (services?.names.length === 0) {
          return [];
        }
        return this.listQuery(tx, query, services).getRawMany<RawListed>();
      });
    } catch (error) {
      if ((error as { driverError?: { code?: string } }).driverError?.code === QUERY_CANCELED) {
        throw new HintedError(400, 'regex filter too expensive: narrow the time window or the pattern');
      }
      throw error;
    }
  }

  /**
   * The page's rows, numbered by bytes: the inner query walks the index newest first with a running sum of row
   * sizes (octet_length reads the stored length, no detoasting); the outer one keeps the rows that start within
   * the budget, so the texts of the rows past it are never fetched.
   */
  private listQuery(
    manager: EntityManager,
    query: EventsListQuery,
    services?: ServiceNames,
  ): SelectQueryBuilder<ObjectLiteral> {
    const window = 'ORDER BY events.date DESC, events.id DESC ROWS BETWEEN UNBOUNDED PRECEDING AND';
    const inner = (
      services === undefined ? this.filteredQuery(manager, query) : this.perServiceQuery(manager, query, services)
    )
      .select('events.id', 'id')
      .addSelect('events.date', 'date')
      .addSelect('extract(epoch FROM events.date)::bigint', 'epoch')
      .addSelect('events.level', 'level')
      .addSelect('events.service', 'service')
      .addSelect('events.message', 'message')
      .addSelect('events.alert', 'alert')
      .addSelect(`sum(${ROW_SIZE}) OVER (${window} CURRENT ROW)`, 'running')
      .addSelect(`coalesce(sum(${ROW_SIZE}) OVER (${window} 1 PRECEDING), 0)`, 'before');
    return manager
      .createQueryBuilder()
      .select(['page.id AS id', 'page.epoch AS epoch', 'page.level AS level', 'page.service AS service'])
      .addSelect(['page.message AS message', 'page.alert AS alert', 'page.running AS running'])
      .from(`(${inner.getQuery()})`, 'page')
      .setParameters(inner.getParameters())
      .where('page.before < :maxBytes', { maxBytes: query.maxBytes })
      .orderBy('page.date', 'DESC')
      .addOrderBy('page.id', 'DESC');
  }

  /**
   * The newest `limit + 1` rows of each matched name, one index range each (PostgreSQL cannot merge an `= ANY`
   * over the index in date order, so it read every row of every name in the window and sorted them: 0.5 s at 10M
   * rows); the newest of those make the page. With no filter off the index, the ranges are index-only and only the
   * page's own rows are read from the table.
   */
  private perServiceQuery(
    manager: EntityManager,
    query: EventsListQuery,
    services: ServiceNames,
  ): SelectQueryBuilder<Event> {
    const perName = this.filteredQuery(manager, query, services)
      .select('events.id', 'id')
      .addSelect('events.date', 'date')
      .andWhere('lower(events.service) = wanted.lowered');
    const newest = `SELECT pick.id, pick.date FROM unnest(CAST(:lowered AS text[])) AS wanted(lowered)
      CROSS JOIN LATERAL (${perName.getQuery()}) AS pick
      ORDER BY pick.date DESC, pick.id DESC LIMIT :take`;
    return (
      manager
        .createQueryBuilder(Event, 'events')
        .innerJoin(`(${newest})`, 'top', 'top.date = events.date AND top.id = events.id')
        // the window again, so the rows are fetched from its days only, not probed for in every partition
        .where('events.date >= to_timestamp(:from) AND events.date <= to_timestamp(:to)')
        .setParameters({ ...perName.getParameters(), lowered: services.lowered, take: query.limit + 1 })
    );
  }

  private filteredQuery(
    manager: EntityManager,
    query: EventsListQuery,
    services?: ServiceNames,
  ): SelectQueryBuilder<Event> {
    const builder = manager
      .createQueryBuilder(Event, 'events')
      .where('events.date >= to_timestamp(:from)', { from: query.from })
      .andWhere('events.date <= to_timestamp(:to)', { to: query.to });
    if (query.level !== undefined) {
      builder.andWhere('events.level >= :level', { level: query.level });
    }
    if (services !== undefined) {
      // the caller names the lowered form the index finds; a case variant the pattern did not match is left out
      // (for `^literal$` too: the Kelvin sign lowers to 'k', yet `~*` does not match it)
      if (services.exactCase) {
        builder.andWhere('events.service = ANY(:services)', { services: services.names });
      }
    } else if (query.servicePattern !== undefined) {
      builder.andWhere('events.service ~* :servicePattern', { servicePattern: query.servicePattern });
    }
    if (query.messagePattern !== undefined) {
      builder.andWhere('events.message ~* :messagePattern', { messagePattern: query.messagePattern });
    }
    if (query.cursor) {
      builder.andWhere('(events.date, events.id) < (to_timestamp(:cursorDate), CAST(:cursorId AS bigint))', {
        cursorDate: query.cursor.date,
        cursorId: query.cursor.id,
      });
    }
    // ORDER BY names the table column: ordering by the epoch expression would defeat the (date, id) index
    return builder
      .orderBy('events.date', 'DESC')
      .addOrderBy('events.id', 'DESC')
      .limit(query.limit + 1);
  }
}

interface RawListed {
  id: string;
  epoch: string;
  level: number;
  service: string;
  message: string;
  alert: boolean;
  running: string;
}
