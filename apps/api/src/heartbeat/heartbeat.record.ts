import { formatHuman } from '../common/display-dates';
import { HeartbeatRow } from '../database/repositories';

// The three shapes of a heartbeat record and the only mappers between them: the live record in Redis, the
// PostgreSQL row (the system of record), and the public view of the watchTower surface.

/** The live heartbeat record as kept in Redis (watchtower-protocol.md §6.1). Times are epoch seconds. */
export interface LiveRecord {
  service: string;
  alertType: string;
  alertTarget: string;
  nextIn: number;
  repeatEvery?: number;
  last: number;
  expected: number;
  alerted: boolean;
  cancelled: boolean;
  deadAt?: number;
  position: number;
  version: number;
}

/** A record the sweeper claimed dead: the claim always sets the death time. */
export type DeadRecord = LiveRecord & { deadAt: number };

/** The public shape of a record: exactly the reference's eight keys, plus extensions only when set (§5.4). */
export interface HeartbeatView {
  alertTarget: string;
  alertType: string;
  alerted: boolean;
  cancelled: boolean;
  expected: number | string;
  last: number | string;
  nextIn: number;
  service: string;
  repeatEvery?: number;
}

export function toView(record: LiveRecord, humanDatesZone?: string): HeartbeatView {
  const view: HeartbeatView = {
    alertTarget: record.alertTarget,
    alertType: record.alertType,
    alerted: record.alerted,
    cancelled: record.cancelled,
    expected: humanDatesZone ? formatHuman(record.expected, humanDatesZone) : record.expected,
    last: humanDatesZone ? formatHuman(record.last, humanDatesZone) : record.last,
    nextIn: record.nextIn,
    service: record.service,
  };
  if (record.repeatEvery !== undefined) {
    view.repeatEvery = record.repeatEvery;
  }
  return view;
}

export function toRow(record: LiveRecord): HeartbeatRow {
  return { ...record, repeatEvery: record.repeatEvery ?? null, deadAt: record.deadAt ?? null };
}

/** Optional fields are left out rather than null: the Lua scripts read a JSON null as a true value. */
export function fromRow(row: HeartbeatRow): LiveRecord {
  const { repeatEvery, deadAt, ...rest } = row;
  return {
    ...rest,
    ...(repeatEvery === null ? {} : { repeatEvery }),
    ...(deadAt === null ? {} : { deadAt }),
  };
}
