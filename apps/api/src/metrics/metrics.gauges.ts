import { getQueueToken } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import { AgentsRegistry } from '../agents/agents.registry';
import { Clock } from '../common/clock';
import { Metrics } from '../common/metrics';
import { QUEUE } from '../common/queues';
import { queueStats, QueueStats } from '../common/queue-stats';
import { HeartbeatsRepository } from '../database/repositories';

/**
 * The figures read at scrape time: each is one query, so a scrape costs a few milliseconds whatever the traffic.
 * A store that does not answer leaves its gauges out of that scrape rather than failing the others.
 */
@Injectable()
export class MetricsGauges implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly heartbeats: HeartbeatsRepository,
    private readonly agents: AgentsRegistry,
    private readonly modules: ModuleRef,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    const registers = [this.metrics.registry];
    const heartbeats = this.heartbeats;
    const clock = this.clock;
    new Gauge({
      name: 'watchtower_services',
      help: 'Heartbeat records by state (PostgreSQL copy).',
      labelNames: ['state'] as const,
      registers,
      async collect() {
        const counts = await heartbeats.countByState(clock.seconds()).catch(() => undefined);
        for (const [state, count] of Object.entries(counts ?? {})) {
          this.set({ state }, count);
        }
      },
    });
    const queues = Object.values(QUEUE).map((name) => this.modules.get<Queue>(getQueueToken(name), { strict: false }));
    // both gauges are collected at once, so one read of the queues serves the scrape
    let inFlight: Promise<QueueStats[]> | undefined;
    const figures = async (): Promise<QueueStats[]> =>
      (inFlight ??= Promise.all(queues.map(async (queue) => queueStats(queue, clock.nowMs()).catch(() => null)))
        .then((all) => all.filter((stats): stats is QueueStats => stats !== null))
        .finally(() => (inFlight = undefined)));
    new Gauge({
      name: 'watchtower_queue_jobs',
      help: 'Jobs per queue and state.',
      labelNames: ['queue', 'state'] as const,
      registers,
      async collect() {
        for (const stats of await figures()) {
          for (const state of ['waiting', 'active', 'delayed', 'failed'] as const) {
            this.set({ queue: stats.name, state }, stats[state]);
          }
        }
      },
    });
    new Gauge({
      name: 'watchtower_queue_oldest_waiting_seconds',
      help: 'Age of the oldest waiting job per queue (0 when none waits).',
      labelNames: ['queue'] as const,
      registers,
      async collect() {
        for (const stats of await figures()) {
          this.set({ queue: stats.name }, stats.oldestWaitingSeconds ?? 0);
        }
      },
    });
    const agents = this.agents;
    new Gauge({
      name: 'watchtower_agents_connected',
      help: 'Agents connected to any API process.',
      registers,
      async collect() {
        const states = await agents.states().catch(() => undefined);
        if (states) {
          this.set(states.size);
        }
      },
    });
  }
}
