import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUE } from '../common/queues';
import { AlertDelivery } from './alert-delivery';
import { checkAlertJob } from './alerts.shape';
import { AlertJob } from './alerts.types';

// Room for every channel's own limit (AlertDelivery) at once.
@Processor(QUEUE.alerts, { concurrency: 50 })
export class AlertsProcessor extends WorkerHost {
  constructor(private readonly delivery: AlertDelivery) {
    super();
  }

  // No try/catch: a thrown error is a retry, a returned promise is a delivery.
  async process(job: Job<AlertJob>, token?: string): Promise<void> {
    checkAlertJob(job.data);
    await this.delivery.deliver(job, token);
  }
}
