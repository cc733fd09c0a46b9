import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module';
import { MetricsController } from './metrics.controller';
import { MetricsGauges } from './metrics.gauges';

/** GET /metrics: the counters features keep (common/metrics.ts) plus the figures read at scrape time. */
@Module({ imports: [AgentsModule], controllers: [MetricsController], providers: [MetricsGauges] })
export class MetricsModule {}
