import { Job, Queue } from 'bullmq';

const ALL_STATES = ['completed', 'failed', 'waiting', 'active', 'delayed', 'prioritized', 'waiting-children'] as const;

/** Every job of a queue whatever its state, e.g. to count the alerts raised. */
export async function allJobs(queue: Queue, name?: string): Promise<Job[]> {
  const jobs = await queue.getJobs([...ALL_STATES], 0, -1);
  return jobs.filter((job) => job && (name === undefined || job.name === name));
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until the wall clock reaches `epochSeconds` (plus `extraMs`). */
export async function sleepUntil(epochSeconds: number, extraMs = 0): Promise<void> {
  const wait = epochSeconds * 1000 + extraMs - Date.now();
  if (wait > 0) {
    await sleep(wait);
  }
}
