import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { isStoreDown } from '../common/envelope.filter';
import { withDeadline } from '../common/hinted-error';
import { RedisClient } from '../common/redis.module';
import { Env } from '../config/env';
import {
  AgentsRepository,
  EventsRepository,
  HeartbeatHistoryRepository,
  HeartbeatsRepository,
  HostsRepository,
  SnapshotsRepository,
} from '../database/repositories';
import { committedNotice, publishCommitted } from './committed';
import { PersistenceBatch } from './persistence.types';

/** How long the probe after a failed write may take before PostgreSQL counts as away. */
const PROBE_DEADLINE_MS = 2000;

/**
 * A batch failed for PostgreSQL's state, not its own: PostgreSQL does not answer at all, or the failure is one that
 * passes (no connection to be had in time under load, a deadlock, a server shutting down). The outage's failure.
 */
export class PostgresAwayError extends Error {
  constructor(cause: unknown) {
    super(`PostgreSQL is away or failing for a passing reason: ${(cause as Error).message}`, { cause });
  }
}

/**
 * SQLSTATEs that say nothing about the batch, so that retrying it in place is right: any connection exception
 * (class 08), serialization failure and deadlock, disk full and too many connections, lock not available and
 * object in use, the server shutting down or crashing and starting again, an idle session's timeout. Not those a
 * batch itself can cause (out of memory, a statement's timeout, a dropped database): retried in place, they would
 * hold the queue for good.
 */
const PASSING_CODES = new Set([
  '40001',
  '40P01',
  '53100',
  '53300',
  '55P03',
  '55006',
  '57P01',
  '57P02',
  '57P03',
  '57P05',
]);

/** True when `error` would pass on its own: retrying the same batch in place is right, failing it is not. */
export function passingFailure(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  // a socket's errno first (ECONNRESET, ETIMEDOUT, EPIPE...): some are five letters, like a SQLSTATE
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return true;
  }
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return code.startsWith('08') || PASSING_CODES.has(code);
  }
  // node-postgres's own words when it has no connection to give carry no SQLSTATE: the same test as the HTTP edge's 503
  return isStoreDown(error);
}

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
    private readonly redis: RedisClient,
    private readonly env: Env,
  ) {}

  /**
   * Throws PostgresAwayError when the batch failed for a passing reason, or PostgreSQL does not answer a `SELECT 1`
   * either. Under load a batch could fail on a connection not had in time while the probe, a moment later, got
   * one: failed, its job came back after the jobs queued behind it, and their ids no longer followed acceptance.
   */
  async write(batch: PersistenceBatch): Promise<void> {
    try {
      await this.transaction(batch);
    } catch (error) {
      if (passingFailure(error)) {
        throw new PostgresAwayError(error);
      }
      // the probe tells an outage (refused, reset, starting up) from a batch PostgreSQL refuses, whatever the driver
      // calls the error
      const answers = await withDeadline(this.manager.query('SELECT 1'), PROBE_DEADLINE_MS, 'PostgreSQL').then(
        () => true,
        () => false,
      );
      throw answers ? error : new PostgresAwayError(error);
    }
    publishCommitted(this.redis, this.env.redisPrefix, committedNotice(batch));
  }

  private async transaction(batch: PersistenceBatch): Promise<void> {
    // the hot path (add-event batches) is one statement, atomic on its own: BEGIN and COMMIT would be two more
    // round trips per batch for a worker whose speed is its round trips
    if (eventsOnly(batch)) {
      await this.events.insert(batch.events);
      return;
    }
    // outside the transaction: a day partition made in one that rolls back would be missing after it (insert makes
    // them itself when it has no transaction, as above)
    await this.events.addDays(batch.events);
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

function eventsOnly(batch: PersistenceBatch): boolean {
  // `?? []`: jobs queued by an older version may lack parts
  return Object.entries(batch).every(([part, rows]) => part === 'events' || ((rows ?? []) as unknown[]).length === 0);
}
