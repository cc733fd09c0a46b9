/**
 * A worker's loop that runs until the application stops (the sweeper, the heartbeat rows drain): its wait between
 * rounds is cut short by `stop` (every concurrent sleeper's), so a shutdown never waits out a poll period, and `stop` resolves once the round
 * under way has ended.
 */
export class BackgroundLoop {
  private active = false;
  private done: Promise<void> | null = null;
  private readonly sleepers = new Set<() => void>();

  get running(): boolean {
    return this.active;
  }

  start(body: () => Promise<void>): void {
    this.active = true;
    this.done = body();
  }

  async stop(): Promise<void> {
    this.active = false;
    this.sleepers.forEach((wake) => wake());
    await this.done;
  }

  async sleep(ms: number): Promise<void> {
    if (!this.active) {
      return;
    }
    await new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.sleepers.add(wake);
    });
  }
}
