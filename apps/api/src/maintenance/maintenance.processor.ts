import { Processor, WorkerHost } from '@nestjs/bullmq';
import { QUEUE } from '../common/queues';
import { MaintenanceService } from './maintenance.service';

@Processor(QUEUE.maintenance)
export class MaintenanceProcessor extends WorkerHost {
  constructor(private readonly maintenance: MaintenanceService) {
    super();
  }

  async process(): Promise<{ events: number; heartbeats: number; partitions: string[] }> {
    return this.maintenance.run();
  }
}
