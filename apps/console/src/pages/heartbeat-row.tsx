import { useServerNow } from '../clock';
import { formatAgo, formatDate, formatDuration } from '../format';
import { href } from '../route';
import type { Heartbeat } from '../types';
import { Countdown, LiveStateBadge } from '../ui/countdown';
import { HistoryStrip } from './heartbeat-history';

export const COLUMNS = 7;

/** One service of the heartbeats table, and below it, once expanded, its history strip. */
export function HeartbeatRows(props: {
  heartbeat: Heartbeat;
  open: boolean;
  historyVersion: number;
  onToggle: () => void;
  onAct: (action: 'cancel' | 'delete') => void;
}) {
  const { heartbeat, open } = props;
  const now = useServerNow();
  const detailId = `history-${encodeURIComponent(heartbeat.service)}`;
  return (
    <tbody class={open ? 'open' : undefined}>
      <tr>
        <th scope="row" data-label="Service">
          <button
            type="button"
            class="expand"
            aria-expanded={open}
            aria-controls={detailId}
            title="Show the last 50 pulses and transitions"
            onClick={props.onToggle}
          >
            <span class="chevron" aria-hidden="true" />
            <span class="service-name">{heartbeat.service}</span>
          </button>
        </th>
        <td data-label="State">
          <LiveStateBadge heartbeat={heartbeat} />
        </td>
        <td data-label="Last pulse">
          <time title={formatDate(heartbeat.last)}>{formatAgo(heartbeat.last, now)}</time>
        </td>
        <td data-label="Next deadline" title={formatDate(heartbeat.expected)}>
          <Countdown heartbeat={heartbeat} />
        </td>
        <td data-label="Alerts to" class="wrap">
          <span>
            <span class="muted">{heartbeat.alertType}</span>{' '}
            <span class="target" title={heartbeat.alertTarget}>
              {heartbeat.alertTarget}
            </span>
          </span>
        </td>
        <td data-label="Reminders">
          {heartbeat.repeatEvery ? `every ${formatDuration(heartbeat.repeatEvery)}` : <span class="muted">none</span>}
        </td>
        <td class="row-actions">
          <button
            type="button"
            class="small"
            disabled={heartbeat.state === 'cancelled'}
            aria-label={`Cancel ${heartbeat.service}`}
            onClick={() => props.onAct('cancel')}
          >
            Cancel
          </button>
          <button
            type="button"
            class="small danger"
            aria-label={`Delete ${heartbeat.service}`}
            onClick={() => props.onAct('delete')}
          >
            Delete
          </button>
        </td>
      </tr>
      {open && (
        <tr class="detail" id={detailId}>
          <td colSpan={COLUMNS}>
            <HistoryStrip service={heartbeat.service} version={props.historyVersion} />
          </td>
        </tr>
      )}
    </tbody>
  );
}

/** A link to a service on the heartbeats page, found by name. */
export function ServiceLink({ service }: { service: string }) {
  return <a href={href('heartbeats', { q: service })}>{service}</a>;
}
