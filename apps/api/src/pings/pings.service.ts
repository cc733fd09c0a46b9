import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { createHash } from 'node:crypto';
import { Repository } from 'typeorm';
import { Env, PingConfig } from '../config/env';
import { formatHuman } from '../common/display-dates';
import { QUEUE } from '../common/queues';
import { PingState } from '../database/entities';
import { AlertsService } from '../alerts/alerts.service';
import { alertTexts, eventMessage } from '../alerts/alert-texts';
import { PersistenceService } from '../persistence/persistence.service';
import { probe } from './ping-probe';

export interface PingView {
  alertTarget: string;
  alertType: string;
  alerted: boolean;
  expectedCode: number;
  frequency: number;
  lastPing: number | string | null;
  lastPingSuccess: number | string;
  login: string | null;
  method: string;
  password: null;
  proxyURL: string | null;
  service: string;
  timeout: number;
  url: string;
}

/** URL monitors (§9): one BullMQ job scheduler per monitor, state in PostgreSQL across restarts. */
@Injectable()
export class PingsService implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QUEUE.pings) private readonly queue: Queue<{ service: string }>,
    @InjectRepository(PingState) private readonly states: Repository<PingState>,
    private readonly persistence: PersistenceService,
    private readonly alerts: AlertsService,
    private readonly env: Env,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const now = new Date(Math.floor(Date.now() / 1000) * 1000);
    for (const ping of this.env.pings) {
      await this.states
        .createQueryBuilder()
        .insert()
        .values({ service: ping.service, lastPing: null, lastPingSuccess: now, alerted: false })
        .orIgnore()
        .execute();
      await this.queue.upsertJobScheduler(
        schedulerId(ping.service),
        { every: ping.frequency * 1000 },
        {
          name: 'ping',
          data: { service: ping.service },
          opts: { removeOnComplete: true, removeOnFail: 100 },
        },
      );
    }
    const wanted = new Set(this.env.pings.map((ping) => schedulerId(ping.service)));
    for (const scheduler of await this.queue.getJobSchedulers()) {
      if (scheduler.key && !wanted.has(scheduler.key)) {
        await this.queue.removeJobScheduler(scheduler.key);
      }
    }
  }

  async list(humanDates: boolean): Promise<PingView[]> {
    const states = new Map((await this.states.find()).map((state) => [state.service, state]));
    const zone = humanDates ? this.env.tzDisplay : undefined;
    return this.env.pings.map((ping) => {
      const state = states.get(ping.service);
      const lastPing = state?.lastPing ? seconds(state.lastPing) : 0;
      const lastPingSuccess = state ? seconds(state.lastPingSuccess) : 0;
      return {
        alertTarget: ping.alertTarget,
        alertType: ping.alertType,
        alerted: state?.alerted ?? false,
        expectedCode: ping.expectedCode,
        frequency: ping.frequency,
        lastPing: zone ? (lastPing === 0 ? null : formatHuman(lastPing, zone)) : lastPing,
        lastPingSuccess: zone ? formatHuman(lastPingSuccess, zone) : lastPingSuccess,
        login: ping.login,
        method: ping.method,
        // Never echoed, even when configured (§5.9).
        password: null,
        proxyURL: ping.proxyURL,
        service: ping.service,
        timeout: ping.timeout,
        url: ping.url,
      };
    });
  }

  /** One attempt, run by the pings processor; alerts only on the up/down edges. */
  async ping(service: string): Promise<void> {
    const config = this.env.pings.find((ping) => ping.service === service);
    const state = await this.states.findOneBy({ service });
    if (!config || !state) {
      return;
    }
    const ok = await probe(config);
    const now = Math.floor(Date.now() / 1000);
    state.lastPing = new Date(now * 1000);
    if (ok) {
      if (state.alerted) {
        await this.notify(config, 'up', alertTexts.pingUp(service), now);
      }
      state.lastPingSuccess = state.lastPing;
      state.alerted = false;
    } else if (!state.alerted) {
      await this.notify(
        config,
        'down',
        alertTexts.pingDown(service, seconds(state.lastPingSuccess), this.env.tzDisplay),
        now,
      );
      state.alerted = true;
    }
    await this.states.save(state);
  }

  private async notify(
    config: PingConfig,
    kind: 'down' | 'up',
    text: { title: string; body: string },
    now: number,
  ): Promise<void> {
    const key = [`ping${kind}`, config.service, `${now}`];
    await this.alerts.raise([
      {
        alert: {
          kind,
          type: config.alertType,
          target: config.alertTarget,
          ...text,
          service: config.service,
          date: now,
          context: {},
        },
        key,
      },
    ]);
    await this.persistence.record({
      events: [
        { uid: key.join('-'), date: now, level: 0, service: config.service, message: eventMessage(text), alert: false },
      ],
    });
  }
}

function seconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

function schedulerId(service: string): string {
  return `ping-${createHash('sha256').update(service).digest('hex').slice(0, 32)}`;
}
