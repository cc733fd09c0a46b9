/** Rows carried by `persistence` jobs. Times are epoch seconds; every row is safe to write twice. */
export interface EventRow {
  uid: string;
  date: number;
  level: number;
  service: string;
  message: string;
  alert: boolean;
}

export interface HeartbeatRow {
  service: string;
  alertType: string;
  alertTarget: string;
  nextIn: number;
  repeatEvery: number | null;
  last: number;
  expected: number;
  alerted: boolean;
  cancelled: boolean;
  deadAt: number | null;
  position: number;
  version: number;
}

export interface HeartbeatDeleteRow {
  service: string;
  version: number;
}

export interface HistoryRow {
  uid: string;
  service: string;
  action: 'pulse' | 'cancel' | 'alert';
  at: number;
  nextIn: number;
  expected: number;
}

export interface PersistenceItem {
  events?: EventRow[];
  heartbeats?: HeartbeatRow[];
  deletes?: HeartbeatDeleteRow[];
  history?: HistoryRow[];
}

export type PersistenceBatch = Required<PersistenceItem>;
