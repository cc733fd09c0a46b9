import type { PacketCaptureState } from '@lib/wire-format';
import type { CaptureEvent, EventSource } from './events';

/** An in-memory event source: tests (or a replay) push events with `emit`. */
export class ManualEventSource implements EventSource {
  state: PacketCaptureState = 'off';
  private sink: ((event: CaptureEvent) => void) | null = null;

  /** @param startsAs the state `start()` reports, to simulate a capture that cannot start. */
  constructor(private readonly startsAs: 'active' | 'unavailable' = 'active') {}

  async start(sink: (event: CaptureEvent) => void): Promise<PacketCaptureState> {
    this.state = this.startsAs;
    this.sink = this.startsAs === 'active' ? sink : null;
    return this.state;
  }

  async stop(): Promise<void> {
    this.sink = null;
    this.state = 'off';
  }

  /** Delivers events synchronously; ignored unless the source is active. */
  emit(...events: CaptureEvent[]): void {
    for (const event of events) {
      this.sink?.(event);
    }
  }
}
