import { getQueueToken } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { AgentsService } from '../agents/agents.service';
import { Clock } from '../common/clock';
import { QUEUE } from '../common/queues';
import { queueStats, QueueStats } from '../common/queue-stats';
import { Env } from '../config/env';
import type { EventsPreset } from '../config/json-settings';
import {
  HeartbeatHistoryRepository,
  HeartbeatListed,
  HeartbeatsPageQuery,
  HeartbeatsRepository,
  HeartbeatState,
} from '../database/repositories';

const HISTORY_LENGTH = 50;

export interface Overview {
  agents: { connected: number; enrolled: number };
  eventsPresets: EventsPreset[];
  now: number;
  queues: QueueStats[];
  services: Record<HeartbeatState | 'total', number>;
  version: string;
}

/** What the console shows beyond the REST routes: the overview, the heartbeats table and its history strip. */
@Injectable()
export class ConsoleService {
  constructor(
    private readonly heartbeats: HeartbeatsRepository,
    private readonly history: HeartbeatHistoryRepository,
    private readonly agents: AgentsService,
    private readonly modules: ModuleRef,
    private readonly clock: Clock,
    private readonly env: Env,
  ) {}

  async overview(): Promise<Overview> {
    const now = this.clock.seconds();
    const [counts, queues, agents] = await Promise.all([
      this.heartbeats.countByState(now),
      Promise.all(
        Object.values(QUEUE).map(async (name) =>
          queueStats(this.modules.get<Queue>(getQueueToken(name), { strict: false }), this.clock.nowMs()),
        ),
      ),
      this.agents.list(),
    ]);
    const enrolled = agents.filter((agent) => agent.revokedAt === null);
    return {
      agents: { connected: enrolled.filter((agent) => agent.connected).length, enrolled: enrolled.length },
      eventsPresets: this.env.eventsPresets,
      now,
      queues,
      services: { ...counts, total: counts.alive + counts.late + counts.dead + counts.cancelled },
      // as /hello answers it: GUI_VERSION (when set) makes open consoles reload themselves (§12)
      version: this.env.guiVersion,
    };
  }

  async heartbeatsPage(
    query: Omit<HeartbeatsPageQuery, 'now'>,
  ): Promise<{ heartbeats: HeartbeatListed[]; now: number; total: number }> {
    const now = this.clock.seconds();
    const { rows, total } = await this.heartbeats.page({ ...query, now });
    return { heartbeats: rows, now, total };
  }

  async historyOf(service: string): Promise<{ history: Awaited<ReturnType<HeartbeatHistoryRepository['recent']>> }> {
    return { history: await this.history.recent(service, HISTORY_LENGTH) };
  }
}
