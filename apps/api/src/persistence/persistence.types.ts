import type { EventRow, HeartbeatDeleteRow, HeartbeatRow, HistoryRow } from '../database/repositories';

// The row types belong to their tables' repositories; re-exported here for the job's producers.
export type { EventRow, HeartbeatDeleteRow, HeartbeatRow, HistoryRow };

/** Rows carried by `persistence` jobs. Times are epoch seconds; every row is safe to write twice. */
export interface PersistenceItem {
  events?: EventRow[];
  heartbeats?: HeartbeatRow[];
  deletes?: HeartbeatDeleteRow[];
  history?: HistoryRow[];
}

export type PersistenceBatch = Required<PersistenceItem>;
