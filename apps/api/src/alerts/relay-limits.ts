import { Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { Clock } from '../common/clock';
import { shortHash } from '../common/fact-key';
import { RedisClient } from '../common/redis.module';
import { Env } from '../config/env';
import { AlertJob } from './alerts.types';

/** The channels that reach people outside the server: a pulse picks their recipients, so they could be a relay. */
export const RELAY_TYPES: ReadonlySet<string> = new Set(['mail', 'pushover']);

/** The window of ALERT_RATE_PER_TARGET and ALERT_RATE_PER_SERVICE. */
export const RELAY_WINDOW_SECONDS = 600;

/**
 * Caps mail and Pushover alerts per target and per service in fixed 10-minute windows, counted in Redis so every
 * worker process shares them. An alert beyond a cap is dropped (failed for good, with a log line) rather than
 * delayed: a flood that outlives its window would otherwise pile up and be relayed all the same, later.
 */
@Injectable()
export class RelayLimits {
  private readonly logger = new Logger(RelayLimits.name);

  constructor(
    private readonly redis: RedisClient,
    private readonly clock: Clock,
    private readonly env: Env,
  ) {}

  /** Counts this alert (its first attempt); throws UnrecoverableError when it is over a cap. */
  async admit(alert: AlertJob): Promise<void> {
    if (!RELAY_TYPES.has(alert.type)) {
      return;
    }
    const window = Math.floor(this.clock.seconds() / RELAY_WINDOW_SECONDS);
    const caps: [string, string, number][] = [
      ['target', `${alert.type}:${alert.target}`, this.env.alertRatePerTarget],
      ['service', alert.service, this.env.alertRatePerService],
    ];
    for (const [scope, subject, cap] of caps) {
      if (cap === 0) {
        continue;
      }
      // hashed: targets are addresses and keys, which have no business in Redis key names
      const key = `${this.env.redisPrefix}:alerts:rate:${scope}:${shortHash(subject)}:${window}`;
      const [[, count]] = (await this.redis.multi().incr(key).expire(key, RELAY_WINDOW_SECONDS).exec()) as [
        [Error | null, number],
      ];
      if (count > cap) {
        const message = `${alert.type} alert "${alert.title}" dropped: over ${cap} per ${scope} in ${RELAY_WINDOW_SECONDS / 60} min`;
        this.logger.warn(message);
        throw new UnrecoverableError(message);
      }
    }
  }
}
