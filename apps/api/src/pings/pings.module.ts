import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { QUEUE } from '../common/queues';
import { PingState } from '../database/entities';
import { AlertsModule } from '../alerts/alerts.module';
import { PersistenceModule } from '../persistence/persistence.module';
import { PingsController } from './pings.controller';
import { PingsProcessor } from './pings.processor';
import { PingsService } from './pings.service';

@Module({
  imports: [
    BullModule.registerQueue({ name: QUEUE.pings }),
    TypeOrmModule.forFeature([PingState]),
    AlertsModule,
    PersistenceModule,
  ],
  controllers: [PingsController],
  providers: [PingsService, PingsProcessor],
})
export class PingsModule {}
