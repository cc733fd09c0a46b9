import { formatHuman } from '../common/display-dates';
import { toAscii } from '../common/envelope';
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

/**
 * `serializeEnvelope({ action: 'pulse', heartBeat: view, result: 200 })` written out for the one shape a pulse
 * answers with: the same bytes (keys in code-point order, ASCII only; a property test holds the two together),
 * without sorting a copy of every answer.
 */
export function pulseAnswer(view: HeartbeatView): string {
  const repeat = view.repeatEvery === undefined ? '' : `,"repeatEvery":${JSON.stringify(view.repeatEvery)}`;
  const json =
    `{"action":"pulse","heartBeat":{"alertTarget":${JSON.stringify(view.alertTarget)}` +
    `,"alertType":${JSON.stringify(view.alertType)},"alerted":${JSON.stringify(view.alerted)}` +
    `,"cancelled":${JSON.stringify(view.cancelled)},"expected":${JSON.stringify(view.expected)}` +
    `,"last":${JSON.stringify(view.last)},"nextIn":${JSON.stringify(view.nextIn)}${repeat}` +
    `,"service":${JSON.stringify(view.service)}},"result":200}`;
  return toAscii(json) + '\n';
}
