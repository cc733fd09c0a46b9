import { AgentsRepository } from './agents.repository';
import { EventsRepository } from './events.repository';
import { HeartbeatHistoryRepository } from './heartbeat-history.repository';
import { HeartbeatsRepository } from './heartbeats.repository';
import { HostsRepository } from './hosts.repository';
import { PingStatesRepository } from './ping-states.repository';
import { SnapshotsRepository } from './snapshots.repository';

export {
  AgentsRepository,
  EventsRepository,
  HeartbeatHistoryRepository,
  HeartbeatsRepository,
  HostsRepository,
  PingStatesRepository,
  SnapshotsRepository,
};
export type { NewAgent } from './agents.repository';
export type { EventRow, EventsListQuery, ListedEvent } from './events.repository';
export type { HistoryRow } from './heartbeat-history.repository';
export type { HeartbeatDeleteRow, HeartbeatRow } from './heartbeats.repository';
export type { HeartbeatListed, HeartbeatsPageQuery, HeartbeatState } from './heartbeats.repository';
export type { HostRow } from './hosts.repository';
export type { HostDetailRow, HostFiguresRow, HostSummaryRow } from './hosts.repository';
export type { SnapshotRow } from './snapshots.repository';
export type { RateBucket, ScalarBucket, SeriesRange } from './snapshots.repository';

/** One owner per table; provided and exported by the global DatabaseModule. */
export const REPOSITORIES = [
  EventsRepository,
  HeartbeatsRepository,
  HeartbeatHistoryRepository,
  PingStatesRepository,
  AgentsRepository,
  HostsRepository,
  SnapshotsRepository,
];
