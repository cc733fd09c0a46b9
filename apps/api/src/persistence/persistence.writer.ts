import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  AgentsRepository,
  EventsRepository,
  HeartbeatHistoryRepository,
  HeartbeatsRepository,
  HostsRepository,
  SnapshotsRepository,
} from '../database/repositories';
import { PersistenceBatch } from './persistence.types';

/**
 * Writes one batch in one transaction through the tables' repositories, each a single array-parameter
 * statement, so a batch of any size is a handful of statements. Every write is idempotent: a retried job
 * changes nothing twice.
 */
@Injectable()
export class PersistenceWriter {
  constructor(
    private readonly manager: EntityManager,
    private readonly events: EventsRepository,
    private readonly heartbeats: HeartbeatsRepository,
    private readonly history: HeartbeatHistoryRepository,
    private readonly hosts: HostsRepository,
    private readonly snapshots: SnapshotsRepository,
    private readonly agents: AgentsRepository,
  ) {}

  async write(batch: PersistenceBatch): Promise<void> {
    await this.manager.transaction(async (tx) => {
      await this.events.insert(batch.events, tx);
      await this.heartbeats.upsert(batch.heartbeats, tx);
      await this.heartbeats.delete(batch.deletes, tx);
      await this.history.insert(batch.history, tx);
      // `?? []`: jobs queued by a version without hosts and snapshots may still be waiting
      await this.hosts.upsert(batch.hosts ?? [], tx);
      await this.agents.markSeen(seenAgents(batch), tx);
      // creates the batch's missing day partitions first, inside this transaction
      await this.snapshots.insert(batch.snapshots ?? [], tx);
    });
  }
}

/** An agent is last seen when any of its hosts was (a hello, an ingest). */
function seenAgents(batch: PersistenceBatch): { agentId: string; at: number }[] {
  return (batch.hosts ?? []).flatMap((host) =>
    host.agentId === null ? [] : [{ agentId: host.agentId, at: host.seenAt }],
  );
}
