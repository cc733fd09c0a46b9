import { Module } from '@nestjs/common';
import { HealthChecks } from './health.checks';
import { HealthController } from './health.controller';

/** `/health/live` and `/health/ready`; the queues it inspects are the ones the features registered. */
@Module({ controllers: [HealthController], providers: [HealthChecks] })
export class HealthModule {}
