import { Global, Injectable, Module } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { AnswerTimes } from './answer-times';

/** Seconds; labelled method, route and status. */
export const HTTP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/**
 * The process's Prometheus metrics (prom-client), on a registry of its own rather than the library's global one:
 * tests boot several APIs in one process, and each must count only its own. Features count through this; the
 * figures read at scrape time (states, queues, agents) are added by the metrics feature.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly pulses = new Counter({
    name: 'watchtower_pulses_received_total',
    help: 'Pulses accepted (answered 200).',
    registers: [this.registry],
  });

  readonly events = new Counter({
    name: 'watchtower_events_received_total',
    help: 'Events accepted (answered 200).',
    registers: [this.registry],
  });

  readonly alerts = new Counter({
    name: 'watchtower_alerts_total',
    help: 'Alert delivery attempts by channel and outcome (sent, failed).',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly detectionLag = new Histogram({
    name: 'watchtower_detection_lag_seconds',
    help: 'From a service deadline to its death being declared.',
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [this.registry],
  });

  readonly http = new AnswerTimes(
    'watchtower_http_request_duration_seconds',
    'HTTP answers by method, route pattern and status.',
    HTTP_BUCKETS,
    this.registry,
  );

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

@Global()
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsCoreModule {}
