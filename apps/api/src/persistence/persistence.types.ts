import type { EventRow, HeartbeatDeleteRow, HeartbeatRow, HistoryRow } from '../database/repositories';

/** Rows carried by `persistence` jobs. Times are epoch seconds; every row is safe to write twice. */
export interface PersistenceItem {
  events?: EventRow[];
  heartbeats?: HeartbeatRow[];
  deletes?: HeartbeatDeleteRow[];
  history?: HistoryRow[];
}

export type PersistenceBatch = Required<PersistenceItem>;
