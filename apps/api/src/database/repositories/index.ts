import { AgentsRepository } from './agents.repository';
import { EventsRepository } from './events.repository';
import { HeartbeatHistoryRepository } from './heartbeat-history.repository';
import { HeartbeatsRepository } from './heartbeats.repository';
import { PingStatesRepository } from './ping-states.repository';

export { AgentsRepository, EventsRepository, HeartbeatHistoryRepository, HeartbeatsRepository, PingStatesRepository };
export type { NewAgent } from './agents.repository';
export type { EventRow, EventsListQuery, ListedEvent } from './events.repository';
export type { HistoryRow } from './heartbeat-history.repository';
export type { HeartbeatDeleteRow, HeartbeatRow } from './heartbeats.repository';

/** One owner per table; provided and exported by the global DatabaseModule. */
export const REPOSITORIES = [
  EventsRepository,
  HeartbeatsRepository,
  HeartbeatHistoryRepository,
  PingStatesRepository,
  AgentsRepository,
];
