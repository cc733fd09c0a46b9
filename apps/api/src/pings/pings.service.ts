import { Injectable } from '@nestjs/common';
import { Env } from '../config/env';
import { PingConfig } from '../config/json-settings';
import { Clock } from '../common/clock';
import { formatHuman } from '../common/display-dates';
import { alertTexts } from '../alerts/alert-texts';
import { FactsService } from '../alerts/facts.service';
import { probe } from './ping-probe';
import { PingStateStore } from './ping-state.store';

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

/** URL monitors (§9): state in Redis (mirrored to PostgreSQL across restarts), alerts only on the up/down edges. */
@Injectable()
export class PingsService {
  constructor(
    private readonly states: PingStateStore,
    private readonly facts: FactsService,
    private readonly clock: Clock,
    private readonly env: Env,
  ) {}

  async list(humanDates: boolean): Promise<PingView[]> {
    const states = await this.states.many(this.env.pings.map((ping) => ping.service));
    const zone = humanDates ? this.env.tzDisplay : undefined;
    return this.env.pings.map((ping) => {
      const state = states.get(ping.service);
      const lastPing = state?.lastPing ?? 0;
      const lastPingSuccess = state?.lastPingSuccess ?? 0;
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

  /** A monitor starts as if it had just succeeded, so a first failure is measured from the boot. */
  async ensureState(service: string): Promise<void> {
    await this.states.ensure(service, this.clock.seconds());
  }

  /** One attempt, run by the pings processor; alerts only on the up/down edges. */
  async ping(service: string): Promise<void> {
    const config = this.env.pings.find((ping) => ping.service === service);
    if (!config) {
      return;
    }
    let state = await this.states.get(service);
    if (!state) {
      // Redis lost its data since boot: seed again (from the mirror when PostgreSQL answers)
      await this.ensureState(service);
      state = await this.states.get(service);
    }
    if (!state) {
      return;
    }
    const ok = await probe(config);
    const now = this.clock.seconds();
    state.lastPing = now;
    if (ok) {
      if (state.alerted) {
        await this.notify(config, 'up', alertTexts.pingUp(service), now);
      }
      state.lastPingSuccess = state.lastPing;
      state.alerted = false;
    } else if (!state.alerted) {
      await this.notify(config, 'down', alertTexts.pingDown(service, state.lastPingSuccess, this.env.tzDisplay), now);
      state.alerted = true;
    }
    await this.states.save(service, state);
  }

  private async notify(
    config: PingConfig,
    kind: 'down' | 'up',
    texts: { title: string; body: string },
    now: number,
  ): Promise<void> {
    await this.facts.raise(
      [
        {
          key: [`ping${kind}`, config.service, `${now}`],
          service: config.service,
          date: now,
          texts,
          alert: { kind, type: config.alertType, target: config.alertTarget, context: {} },
        },
      ],
      {},
      { backpressure: false },
    );
  }
}
