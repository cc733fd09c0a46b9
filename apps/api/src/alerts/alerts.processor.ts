import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { QUEUE } from '../common/queues';
import { AlertChannels } from './alert-channels';
import { AlertJob } from './alerts.types';

@Processor(QUEUE.alerts, { concurrency: 20 })
export class AlertsProcessor extends WorkerHost {
  constructor(private readonly channels: AlertChannels) {
    super();
  }

  // No try/catch: a thrown error is a retry, a returned promise is a delivery.
  async process(job: Job<AlertJob>): Promise<void> {
    await this.channels.get(job.data.type).send(job.data);
  }
}
