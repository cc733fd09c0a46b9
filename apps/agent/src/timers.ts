/** Pending timeouts kept in one set, so a stop clears every one of them at once. */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>();

  after(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.pending.delete(timer);
      run();
    }, ms);
    this.pending.add(timer);
    return timer;
  }

  cancel(timer: NodeJS.Timeout | null): void {
    if (timer !== null) {
      clearTimeout(timer);
      this.pending.delete(timer);
    }
  }

  cancelAll(): void {
    this.pending.forEach((timer) => clearTimeout(timer));
    this.pending.clear();
  }
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
