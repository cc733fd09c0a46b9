import { formatHuman } from '../common/display-dates';
import { HeartbeatRow } from '../persistence/persistence.types';
import { LiveRecord } from './heartbeat.store';

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
  return {
    service: record.service,
    alertType: record.alertType,
    alertTarget: record.alertTarget,
    nextIn: record.nextIn,
    repeatEvery: record.repeatEvery ?? null,
    last: record.last,
    expected: record.expected,
    alerted: record.alerted,
    cancelled: record.cancelled,
    deadAt: record.deadAt ?? null,
    position: record.position,
    version: record.version,
  };
}
