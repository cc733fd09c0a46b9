import { PersistenceBatch } from './persistence.types';

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
export function committedNotice(batch: PersistenceBatch): CommittedNotice | null {
  const services = new Set([...batch.heartbeats, ...batch.deletes, ...batch.history].map((row) => row.service));
  const hosts = new Set([...batch.hosts.map((host) => host.id), ...batch.snapshots.map((row) => row.hostId)]);
  if (services.size === 0 && hosts.size === 0 && batch.events.length === 0) {
    return null;
  }
  return {
    heartbeats: services.size > MAX_NAMED_SERVICES ? null : [...services],
    events: batch.events.length,
    hosts: [...hosts],
  };
}
