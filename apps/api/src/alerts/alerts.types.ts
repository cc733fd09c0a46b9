/** One alert delivery, the payload of an `alerts` job (watchtower-protocol.md §8.1). */
export interface AlertJob {
  kind: 'down' | 'up' | 'event';
  type: string;
  target: string;
  title: string;
  body: string;
  service: string;
  /** Epoch seconds of the fact the alert reports. */
  date: number;
  context: AlertContext;
}

export interface AlertContext {
  lastPulse?: number;
  lateBySeconds?: number;
  nextIn?: number;
}

export interface AlertChannel {
  send(alert: AlertJob): Promise<void>;
}
