import { useServerNow } from '../clock';
import { formatDuration } from '../format';
import type { Heartbeat, HeartbeatState } from '../types';
import { StateBadge } from './badges';

/**
 * The state to show now: the server's, except that an alive service whose deadline passed reads as late
 * until the server declares it dead (the server's own definition of late, docs/console-api.md).
 */
export function stateAt(heartbeat: Heartbeat, now: number): HeartbeatState {
  return heartbeat.state === 'alive' && now >= heartbeat.expected ? 'late' : heartbeat.state;
}

/** The next deadline as a live countdown, computed here from `expected` and the server clock. */
export function Countdown({ heartbeat }: { heartbeat: Heartbeat }) {
  const now = useServerNow();
  if (heartbeat.state === 'cancelled') {
    return <span class="muted">–</span>;
  }
  if (heartbeat.state === 'dead') {
    return <span class="overdue">dead for {formatDuration(now - (heartbeat.deadAt ?? heartbeat.expected))}</span>;
  }
  const left = heartbeat.expected - now;
  return left > 0 ? (
    <span>in {formatDuration(Math.ceil(left))}</span>
  ) : (
    <span class="overdue">overdue {formatDuration(-left)}</span>
  );
}

export function LiveStateBadge({ heartbeat }: { heartbeat: Heartbeat }) {
  const now = useServerNow();
  return <StateBadge state={stateAt(heartbeat, now)} />;
}
