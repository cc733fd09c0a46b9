import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { PersistenceModule } from '../persistence/persistence.module';
import { HeartbeatController } from './heartbeat.controller';
import { HeartbeatService } from './heartbeat.service';
import { HeartbeatStore } from './heartbeat.store';
import { HeartbeatSweeper } from './heartbeat.sweeper';

@Module({
  imports: [PersistenceModule, AlertsModule],
  controllers: [HeartbeatController],
  providers: [HeartbeatService, HeartbeatStore, HeartbeatSweeper],
  exports: [HeartbeatService],
})
export class HeartbeatModule {}
