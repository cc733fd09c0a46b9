import { EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { Event } from '../entities';
import { ServiceNames } from './event-service-names';

// The statement of one page of GET /events, built for EventsRepository.list: which index each filter takes, and the
// byte budget counted inside PostgreSQL (events-plans.spec.ts checks the plans).

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

/** A row's share of a page apart from its text: the JSON keys, date, level and punctuation. */
const ROW_BYTES = 64;
const ROW_SIZE = `(${ROW_BYTES} + octet_length(events.service) + octet_length(events.message))`;

/**
 * The page's rows, numbered by bytes: the inner query walks the index newest first with a running sum of row
 * sizes (octet_length reads the stored length, no detoasting); the outer one keeps the rows that start within
 * the budget, so the texts of the rows past it are never fetched.
 */
export function pageQuery(
  manager: EntityManager,
  query: EventsListQuery,
  services?: ServiceNames,
): SelectQueryBuilder<ObjectLiteral> {
  const window = 'ORDER BY events.date DESC, events.id DESC ROWS BETWEEN UNBOUNDED PRECEDING AND';
  const inner = (services === undefined ? filteredQuery(manager, query) : perServiceQuery(manager, query, services))
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
function perServiceQuery(
  manager: EntityManager,
  query: EventsListQuery,
  services: ServiceNames,
): SelectQueryBuilder<Event> {
  const perName = filteredQuery(manager, query, services)
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

function filteredQuery(
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

/** A page row as `pg` returns it: bigint and numeric sums as text. */
export interface RawListed {
  id: string;
  epoch: string;
  level: number;
  service: string;
  message: string;
  alert: boolean;
  running: string;
}
