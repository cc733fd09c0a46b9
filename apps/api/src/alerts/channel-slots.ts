/**
 * At most `perChannel` deliveries of one channel at a time in this process. A job whose channel is full waits a
 * short while in memory for a slot instead of going back to the queue at once: a burst of deaths to one webhook
 * sent each alert through BullMQ about five times (step aside, delay, fetch again), which cost more than the
 * delivery itself. A channel that stays full (a slow provider) still releases the worker slots after `waitMs`.
 */
export class ChannelSlots {
  private readonly busy = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(
    private readonly perChannel: number,
    private readonly waitMs: number,
  ) {}

  /** True once a slot is held (release it), false when none freed within `waitMs`. */
  async acquire(channel: string): Promise<boolean> {
    const running = this.busy.get(channel) ?? 0;
    if (running < this.perChannel) {
      this.busy.set(channel, running + 1);
      return true;
    }
    const queue = this.waiting.get(channel) ?? [];
    this.waiting.set(channel, queue);
    return new Promise<boolean>((resolve) => {
      const grant = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        queue.splice(queue.indexOf(grant), 1);
        resolve(false);
      }, this.waitMs);
      queue.push(grant);
    });
  }

  /** A waiting job takes the slot over; otherwise it is free again. */
  release(channel: string): void {
    const next = this.waiting.get(channel)?.shift();
    if (next !== undefined) {
      next();
    } else {
      this.busy.set(channel, (this.busy.get(channel) ?? 1) - 1);
    }
  }

  /** Deliveries of the channel under way. */
  running(channel: string): number {
    return this.busy.get(channel) ?? 0;
  }
}
