import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { HostsModule } from '../hosts/hosts.module';
import { HeartbeatController, PulseRoute } from './heartbeat.controller';
import { HeartbeatService } from './heartbeat.service';
import { HeartbeatStore } from './heartbeat.store';
import { HeartbeatRowsDrain } from './heartbeat.rows';
import { HeartbeatSweeper } from './heartbeat.sweeper';

@Module({
  imports: [AlertsModule, HostsModule],
  controllers: [HeartbeatController],
  providers: [HeartbeatService, HeartbeatStore, PulseRoute],
  exports: [HeartbeatService],
})
export class HeartbeatModule {}

/**
 * The worker half (ROLE=worker or all): the sweeper that detects deaths and sends reminders, and the drain that
 * copies pulsed records to PostgreSQL.
 */
@Module({ imports: [HeartbeatModule], providers: [HeartbeatSweeper, HeartbeatRowsDrain] })
export class HeartbeatWorkerModule {}
