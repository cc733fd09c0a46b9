import {
  isBoolean,
  isNumber,
  isObject,
  isString,
  MalformedJobError,
  oneOf,
  orAbsent,
  orNull,
  Shape,
  shapeError,
} from '../common/job-payload';
import { QUEUE } from '../common/queues';
import { PersistenceBatch } from './persistence.types';

// The fields each statement reads; JSON payloads (host info, snapshot data) are stored as they are.
const ROWS: Record<keyof PersistenceBatch, Shape> = {
  events: {
    uid: isString,
    date: isNumber,
    level: isNumber,
    service: isString,
    message: isString,
    alert: isBoolean,
    // absent in jobs queued before events were partitioned: read as keyed
    keyed: orAbsent(isBoolean),
  },
  heartbeats: {
    service: isString,
    alertType: isString,
    alertTarget: isString,
    nextIn: isNumber,
    repeatEvery: orNull(isNumber),
    last: isNumber,
    expected: isNumber,
    alerted: isBoolean,
    cancelled: isBoolean,
    deadAt: orNull(isNumber),
    position: isNumber,
    version: isNumber,
  },
  deletes: { service: isString, version: isNumber },
  history: {
    uid: isString,
    service: isString,
    action: oneOf('pulse', 'cancel', 'alert'),
    at: isNumber,
    nextIn: isNumber,
    expected: isNumber,
  },
  hosts: {
    id: isString,
    agentId: orNull(isString),
    hostname: isString,
    info: isObject,
    agentVersion: isString,
    embedded: isBoolean,
    seenAt: isNumber,
    lastSnapshotMicros: orNull(isNumber),
  },
  snapshots: {
    hostId: isString,
    micros: isNumber,
    cpuPct: orNull(isNumber),
    memUsedBytes: orNull(isNumber),
    memTotalBytes: orNull(isNumber),
    load1: orNull(isNumber),
    load5: orNull(isNumber),
    load15: orNull(isNumber),
    diskUsedPct: orNull(isNumber),
    data: isObject,
  },
};

/**
 * A `persistence` job's batch, checked row by row before the transaction starts. A missing list is empty
 * (jobs queued by a version without hosts and snapshots may still be waiting).
 */
export function checkBatch(data: unknown): PersistenceBatch {
  if (!isObject(data)) {
    throw new MalformedJobError(QUEUE.persistence, shapeError(data, {}) ?? 'expected an object');
  }
  const batch = {} as Record<keyof PersistenceBatch, unknown[]>;
  for (const [list, shape] of Object.entries(ROWS) as [keyof PersistenceBatch, Shape][]) {
    const rows = data[list] ?? [];
    if (!Array.isArray(rows)) {
      throw new MalformedJobError(QUEUE.persistence, `"${list}" must be an array`);
    }
    rows.forEach((row: unknown, at: number) => {
      const error = shapeError(row, shape);
      if (error) {
        throw new MalformedJobError(QUEUE.persistence, `${list}[${at}]: ${error}`);
      }
    });
    batch[list] = rows;
  }
  return batch as unknown as PersistenceBatch;
}
