import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { MalformedJobError } from '../common/job-payload';
import { QUEUE } from '../common/queues';
import { MaintenanceResult, MaintenanceService } from './maintenance.service';

/** The daily scheduler's job is `run` with no data: anything else was added by hand and means nothing here. */
export function checkMaintenanceJob(job: Job<unknown>): void {
  if (job.name !== 'run') {
    throw new MalformedJobError(QUEUE.maintenance, `unknown job name "${job.name}" (expected "run")`);
  }
  const data = job.data;
  const empty = data === undefined || data === null || (typeof data === 'object' && Object.keys(data).length === 0);
  if (!empty) {
    throw new MalformedJobError(QUEUE.maintenance, 'a "run" job takes no data');
  }
}

@Processor(QUEUE.maintenance)
export class MaintenanceProcessor extends WorkerHost {
  constructor(private readonly maintenance: MaintenanceService) {
    super();
  }

  async process(job: Job<unknown>): Promise<MaintenanceResult> {
    checkMaintenanceJob(job);
    return this.maintenance.run();
  }
}
