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

/** One batch holding every row of `items`, in their order. */
export function mergeItems(items: readonly PersistenceItem[]): PersistenceBatch {
  const batch: PersistenceBatch = { events: [], heartbeats: [], deletes: [], history: [], hosts: [], snapshots: [] };
  for (const item of items) {
    batch.events.push(...(item.events ?? []));
    batch.heartbeats.push(...(item.heartbeats ?? []));
    batch.deletes.push(...(item.deletes ?? []));
    batch.history.push(...(item.history ?? []));
    batch.hosts.push(...(item.hosts ?? []));
    batch.snapshots.push(...(item.snapshots ?? []));
  }
  return batch;
}
