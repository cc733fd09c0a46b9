import { Global, Injectable, Module } from '@nestjs/common';

/**
 * The one source of time for every rule (deadlines, reminders, lateness, event dates, throttle windows). The
 * Redis scripts take `now` from here too, so a decision never mixes two clocks, and a test can drive time by
 * replacing `nowMs` on the instance instead of sleeping.
 */
@Injectable()
export class Clock {
  /** Epoch milliseconds. */
  nowMs(): number {
    return Date.now();
  }

  /** Whole epoch seconds: the unit of every stored time (watchtower-protocol.md §6.1). */
  seconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }
}

@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
