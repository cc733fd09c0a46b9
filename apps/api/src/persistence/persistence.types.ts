import type {
  EventRow,
  HeartbeatDeleteRow,
  HeartbeatRow,
  HistoryRow,
  HostRow,
  SnapshotRow,
} from '../database/repositories';

/** Rows carried by `persistence` jobs. Times are epoch seconds; every row is safe to write twice. */
export interface PersistenceItem {
  events?: EventRow[];
  heartbeats?: HeartbeatRow[];
  deletes?: HeartbeatDeleteRow[];
  history?: HistoryRow[];
  hosts?: HostRow[];
  snapshots?: SnapshotRow[];
}

export type PersistenceBatch = Required<PersistenceItem>;
