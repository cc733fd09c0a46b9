import { Queue } from 'bullmq';

export interface QueueStats {
  name: string;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  /** Seconds the oldest waiting job has waited, or null when none waits. */
  oldestWaitingSeconds: number | null;
}

/** One queue's depth and the age of its oldest waiting job: the console, /metrics and readiness read the same. */
export async function queueStats(queue: Queue, nowMs: number): Promise<QueueStats> {
  const [counts, [oldest]] = await Promise.all([
    queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
    // asc: from the worker's end of the list
    queue.getJobs(['wait'], 0, 0, true),
  ]);
  const since = oldest ? oldest.timestamp + (oldest.opts.delay ?? 0) : undefined;
  return {
    name: queue.name,
    waiting: counts.waiting ?? 0,
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    failed: counts.failed ?? 0,
    oldestWaitingSeconds: since === undefined ? null : Math.max(0, Math.floor((nowMs - since) / 1000)),
  };
}
