import type { Alert, AlertCategory, AlertSeverity } from '@lib/wire-format';
import { ACTIVE_ALERT_TTL_SECS, ALERT_HISTORY_SIZE, MAX_ACTIVE_ALERTS } from './constants';

/** What a detector decides; the log adds the time. */
export interface AlertDraft {
  severity: AlertSeverity;
  category: AlertCategory;
  message: string;
  detail: string;
}

interface ActiveAlert {
  alert: Alert;
  raisedAt: number;
}

/** Active alerts (60 s) and a bounded history (collectors spec §4.8). Raising never deduplicates. */
export class AlertLog {
  private readonly active: ActiveAlert[] = [];
  private readonly past: Alert[] = [];

  /** `now` is monotonic ms (for the TTL); `wallMs` becomes the alert's RFC 3339 timestamp. */
  raise(draft: AlertDraft, now: number, wallMs: number): Alert {
    const alert: Alert = { ...draft, timestamp: new Date(wallMs).toISOString() };
    this.active.push({ alert, raisedAt: now });
    // ours: a tunnel raises once per query, so the active list needs a bound of its own
    if (this.active.length > MAX_ACTIVE_ALERTS) {
      this.active.splice(0, this.active.length - MAX_ACTIVE_ALERTS);
    }
    this.past.push(alert);
    if (this.past.length > ALERT_HISTORY_SIZE) {
      this.past.splice(0, this.past.length - ALERT_HISTORY_SIZE);
    }
    return alert;
  }

  /** Drops active alerts older than the TTL. */
  expire(now: number): void {
    const live = this.active.filter((a) => now - a.raisedAt <= ACTIVE_ALERT_TTL_SECS * 1000);
    this.active.splice(0, this.active.length, ...live);
  }

  /** Active alerts in raise order. */
  activeAlerts(): Alert[] {
    return this.active.map((a) => a.alert);
  }

  /** The last 100 alerts raised, oldest first (not on the wire). */
  history(): Alert[] {
    return [...this.past];
  }
}
