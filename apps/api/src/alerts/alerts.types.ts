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

/** What no other monitor sends (issue #3): enough to act on without opening the console. */
export interface AlertContext {
  /** Epoch seconds of the service's last pulse. */
  lastPulse?: number;
  lateBySeconds?: number;
  nextIn?: number;
  /** The service's latest events, newest first (at most 5), filled in at delivery time. */
  recentEvents?: { date: number; level: number; message: string }[];
  /** Latest figures of the host the service reported from, once agents exist (a context provider fills it). */
  host?: Record<string, string | number>;
}

export interface AlertChannel {
  /** False when the server lacks what the channel needs (SMTP_URL, PUSHOVER_TOKEN): its jobs fail visibly. */
  readonly configured: boolean;
  /**
   * Throws to retry; throws UnrecoverableError when retrying cannot help. `deliveryId` is the job's id, the same
   * on every attempt and re-drive, so a receiver can drop a delivery it already took (at-least-once: a process
   * that dies mid-request leaves the job to another worker, which sends it again).
   */
  send(alert: AlertJob, deliveryId: string): Promise<void>;
}
