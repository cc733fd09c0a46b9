import Redis from 'ioredis';
import { PersistenceItem } from './persistence.types';

/** At most this many service names travel in one notice; past it the notice says "many" (null). */
const MAX_NAMED_SERVICES = 100;

/**
 * What one committed batch changed, published on Redis for whoever shows live state (the console's stream). One
 * message per batch, not per row, so a burst of pulses costs one publish per group commit.
 */
export interface CommittedNotice {
  heartbeats: string[] | null;
  events: number;
  hosts: string[];
}

export const committedChannel = (redisPrefix: string): string => `${redisPrefix}:persistence:committed`;

/** The notice of a batch, or null when it changed nothing anyone shows. */
export function committedNotice(batch: PersistenceItem): CommittedNotice | null {
  const { heartbeats = [], deletes = [], history = [], hosts: hostRows = [], snapshots = [], events = [] } = batch;
  return notice(
    [...heartbeats, ...deletes, ...history].map((row) => row.service),
    events.length,
    [...hostRows.map((host) => host.id), ...snapshots.map((row) => row.hostId)],
  );
}

/** The notice of heartbeat rows alone (the drain of dirty marks). */
export function heartbeatsNotice(services: string[]): CommittedNotice | null {
  return notice(services, 0, []);
}

function notice(serviceNames: string[], events: number, hostIds: string[]): CommittedNotice | null {
  const services = new Set(serviceNames);
  const hosts = new Set(hostIds);
  if (services.size === 0 && hosts.size === 0 && events === 0) {
    return null;
  }
  return { heartbeats: services.size > MAX_NAMED_SERVICES ? null : [...services], events, hosts: [...hosts] };
}

/** Best effort: a notice lost while Redis blips only delays a console's refresh until the next one. */
export function publishCommitted(redis: Redis, redisPrefix: string, notice: CommittedNotice | null): void {
  if (notice !== null) {
    redis.publish(committedChannel(redisPrefix), JSON.stringify(notice)).catch(() => undefined);
  }
}
