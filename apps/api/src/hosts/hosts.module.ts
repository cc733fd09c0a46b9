import { Module, OnModuleInit } from '@nestjs/common';
import { AlertDelivery } from '../alerts/alert-delivery';
import { AlertsWorkerModule } from '../alerts/alerts.module';
import { HostsController } from './hosts.controller';
import { HostsService } from './hosts.service';

/** The hosts read API and the service -> host links (every role: pulses write links on api processes too). */
@Module({
  controllers: [HostsController],
  providers: [HostsService],
  exports: [HostsService],
})
export class HostsModule {}

/** The worker half: down alerts are delivered here, so this is where they learn their host's figures. */
@Module({ imports: [HostsModule, AlertsWorkerModule] })
export class HostsWorkerModule implements OnModuleInit {
  constructor(
    private readonly delivery: AlertDelivery,
    private readonly hosts: HostsService,
  ) {}

  onModuleInit(): void {
    this.delivery.useHostContext(async (service) => this.hosts.contextFor(service));
  }
}
