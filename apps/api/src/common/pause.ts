/** A loop's wait between rounds that a shutdown can cut short, so stopping never waits out a poll period. */
export class Pause {
  private wakeUp: (() => void) | null = null;

  async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  wake(): void {
    this.wakeUp?.();
  }
}
