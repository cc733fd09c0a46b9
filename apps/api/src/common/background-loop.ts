/**
 * A worker's loop that runs until the application stops (the sweeper, the heartbeat rows drain): its wait between
 * rounds is cut short by `stop`, so a shutdown never waits out a poll period, and `stop` resolves once the round
 * under way has ended.
 */
export class BackgroundLoop {
  private active = false;
  private done: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;

  get running(): boolean {
    return this.active;
  }

  start(body: () => Promise<void>): void {
    this.active = true;
    this.done = body();
  }

  async stop(): Promise<void> {
    this.active = false;
    this.wakeUp?.();
    await this.done;
  }

  async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
