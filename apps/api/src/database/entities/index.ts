import { Agent } from './agent.entity';
import { Event } from './event.entity';
import { Heartbeat } from './heartbeat.entity';
import { HeartbeatHistory } from './heartbeat-history.entity';
import { Host } from './host.entity';
import { PingState } from './ping-state.entity';
import { Snapshot } from './snapshot.entity';

export type { AgentSettingsOverrides } from './agent.entity';
export { Agent, Event, Heartbeat, HeartbeatHistory, Host, PingState, Snapshot };

/** One list, not a glob: bundling breaks glob paths. */
export const ENTITIES = [Event, Heartbeat, HeartbeatHistory, PingState, Agent, Host, Snapshot];
