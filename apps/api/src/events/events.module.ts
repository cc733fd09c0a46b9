import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { AddEventRoute, EventsController } from './events.controller';
import { EventsService } from './events.service';

@Module({
  imports: [AlertsModule],
  controllers: [EventsController],
  providers: [EventsService, AddEventRoute],
  exports: [EventsService],
})
export class EventsModule {}
