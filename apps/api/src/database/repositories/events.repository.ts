import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, LessThan, ObjectLiteral, Repository, SelectQueryBuilder } from 'typeorm';
import { GroupCommit } from '../../common/group-commit';
import { HintedError } from '../../common/hinted-error';
import { Event } from '../entities';
import { SEARCH_DATA_SOURCE } from '../search-data-source';
import { namesEqualTo, namesMatching, ServiceNames } from './event-service-names';

/** An event as the `persistence` queue carries it: times are epoch seconds; `uid` makes a rewrite a no-op. */
export interface EventRow {
  uid: string;
  date: number;
  level: number;
  service: string;
  message: string;
  alert: boolean;
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

/** The only reader and writer of `events`. */
@Injectable()
export class EventsRepository {
  /** Listings run on the search pool, so they never take the writer's connections (database.module.ts). */
  private readonly searches: EntityManager;
  private readonly recentReads = new GroupCommit<{ service: string; count: number }, RecentEvent[]>(
    async (wanted) => this.recentMany(wanted),
    { maxItems: RECENT_BATCH },
  );

  constructor(
    @InjectRepository(Event) private readonly events: Repository<Event>,
    // optional for callers that build the repository on one DataSource (repositories.spec.ts)
    @Optional() @InjectDataSource(SEARCH_DATA_SOURCE) search?: DataSource,
  ) {
    this.searches = search?.manager ?? events.manager;
  }

  /** One statement for any batch size (unnest); a uid already stored is skipped. */
  async insert(rows: EventRow[], tx?: EntityManager): Promise<void> {
    if (rows.length === 0) {
      return;
    }
    await (tx ?? this.events.manager).query(
      `INSERT INTO events (uid, date, level, service, message, alert)
       SELECT u, to_timestamp(d), l, s, m, a
       FROM unnest($1::text[], $2::bigint[], $3::int[], $4::text[], $5::text[], $6::bool[]) AS t(u, d, l, s, m, a)
       ON CONFLICT (uid) DO NOTHING`,
      [
        rows.map((e) => e.uid),
        rows.map((e) => e.date),
        rows.map((e) => e.level),
        rows.map((e) => e.service),
        rows.map((e) => e.message),
        rows.map((e) => e.alert),
      ],
    );
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
    // index; the exact name is checked above the fence (OFFSET 0), else the planner would AND both conditions into a
    // bitmap of all its rows plus a sort, estimating one row where there are thousands
    const rows = await this.events.manager.query<{ i: string; epoch: string; level: number; message: string }[]>(
      `SELECT w.i, extract(epoch FROM e.date)::bigint AS epoch, e.level, e.message
         FROM unnest($1::text[], $2::int[]) WITH ORDINALITY AS w(service, n, i)
         CROSS JOIN LATERAL (
           SELECT date, id, level, message FROM (
             SELECT date, id, level, message, service FROM events
              WHERE lower(service) = lower(w.service) ORDER BY date DESC, id DESC OFFSET 0) same
            WHERE same.service = w.service LIMIT w.n) e
        ORDER BY w.i, e.date DESC, e.id DESC`,
      [wanted.map((w) => w.service), wanted.map((w) => w.count)],
    );
    const results: RecentEvent[][] = wanted.map(() => []);
    for (const row of rows) {
      results[Number(row.i) - 1].push({ date: Number(row.epoch), level: row.level, message: row.message });
    }
    return results;
  }

  /** Retention (§7.5): deletes the events dated before `cutoff`, returns how many. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    const result = await this.events.delete({ date: LessThan(cutoff) });
    return result.affected ?? 0;
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
    const newest = `SELECT pick.id FROM unnest(CAST(:lowered AS text[])) AS wanted(lowered)
      CROSS JOIN LATERAL (${perName.getQuery()}) AS pick
      ORDER BY pick.date DESC, pick.id DESC LIMIT :take`;
    return manager
      .createQueryBuilder(Event, 'events')
      .innerJoin(`(${newest})`, 'top', 'top.id = events.id')
      .setParameters({ ...perName.getParameters(), lowered: services.lowered, take: query.limit + 1 });
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
