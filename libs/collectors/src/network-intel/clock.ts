/** Time for the detectors (collectors spec §4.1, §5.3); tests step it by hand instead of sleeping. */
export interface Clock {
  /** Monotonic milliseconds, for every window, delta and expiry. */
  monotonicMs(): number;
  /** Wall-clock milliseconds since the epoch, used only for `Alert.timestamp`. */
  wallMs(): number;
}

/** The real clock: `performance.now()` cannot go backwards when the system time is changed. */
export const systemClock: Clock = {
  monotonicMs: () => performance.now(),
  wallMs: () => Date.now(),
};

/** A clock that only moves when told to; both readings advance together. */
export class ManualClock implements Clock {
  constructor(
    private mono = 0,
    private wall = Date.UTC(2026, 0, 1),
  ) {}

  monotonicMs(): number {
    return this.mono;
  }

  wallMs(): number {
    return this.wall;
  }

  /** Moves both readings forward by `ms`. */
  advance(ms: number): void {
    this.mono += ms;
    this.wall += ms;
  }
}
