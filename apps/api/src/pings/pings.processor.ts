import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { isString, MalformedJobError, shapeError } from '../common/job-payload';
import { QUEUE } from '../common/queues';
import { PingsService } from './pings.service';

/** The payload PingsScheduler gives each monitor's repeatable job. */
export function checkPingJob(data: unknown): { service: string } {
  const error = shapeError(data, { service: isString });
  if (error) {
    throw new MalformedJobError(QUEUE.pings, error);
  }
  return data as { service: string };
}

@Processor(QUEUE.pings, { concurrency: 10 })
export class PingsProcessor extends WorkerHost {
  constructor(private readonly pings: PingsService) {
    super();
  }

  async process(job: Job<unknown>): Promise<void> {
    await this.pings.ping(checkPingJob(job.data).service);
  }
}
