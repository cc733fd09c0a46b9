import { formatBytes, formatDate, formatPct, formatRate } from '../format';
import { href } from '../route';
import type { HostDetail } from '../types';
import { CardTable, CardTableSpec } from '../ui/card-table';
import { Gauge } from '../ui/gauge';

const ALERTS_SHOWN = 10;

type Latest = NonNullable<HostDetail['latest']>;

const INTERFACES: CardTableSpec<Latest['interfaces'][number]> = {
  heading: 'Interfaces',
  rowKey: (nic) => nic.name,
  placeholders: 2,
  columns: [
    { label: 'Interface', cell: (nic) => nic.name },
    {
      label: 'Link',
      cell: (nic) => <span class={`badge ${nic.is_up ? 'conn-wss' : 'conn-off'}`}>{nic.is_up ? 'up' : 'down'}</span>,
    },
    { label: 'Receive', class: 'num', cell: (nic) => formatRate(nic.rx_rate) },
    { label: 'Send', class: 'num', cell: (nic) => formatRate(nic.tx_rate) },
    { label: 'Received', class: 'num', cell: (nic) => formatBytes(nic.rx_bytes) },
    { label: 'Sent', class: 'num', cell: (nic) => formatBytes(nic.tx_bytes) },
    {
      label: 'Errors / drops',
      class: 'num',
      cell: (nic) => `${nic.rx_errors + nic.tx_errors} / ${nic.rx_drops + nic.tx_drops}`,
    },
  ],
};

const DISKS: CardTableSpec<Latest['disks'][number]> = {
  heading: 'Disks',
  rowKey: (disk) => disk.mount_point,
  placeholders: 2,
  columns: [
    { label: 'Mount', cell: (disk) => disk.mount_point },
    { label: 'Device', class: 'wrap', cell: (disk) => disk.device },
    { label: 'Used', class: 'num', cell: (disk) => formatBytes(disk.used_bytes) },
    { label: 'Size', class: 'num', cell: (disk) => formatBytes(disk.total_bytes) },
    {
      label: 'Usage',
      class: 'gauges',
      cell: (disk) => <Gauge label={`${disk.mount_point} used`} value={disk.usage_pct} />,
    },
  ],
};

const PROCESSES: CardTableSpec<Latest['processes'][number]> = {
  heading: 'Top processes by bandwidth',
  rowKey: (process, index) => `${process.pid ?? 'x'}-${process.process_name}-${index}`,
  placeholders: 3,
  columns: [
    { label: 'Process', class: 'wrap', title: (process) => process.cmd, cell: (process) => process.process_name },
    { label: 'PID', class: 'num', cell: (process) => process.pid ?? '–' },
    { label: 'User', cell: (process) => process.user ?? '–' },
    { label: 'CPU', class: 'num', cell: (process) => formatPct(process.cpu_pct) },
    { label: 'Memory', class: 'num', cell: (process) => formatBytes(process.mem_rss_bytes) },
    { label: 'Receive', class: 'num', cell: (process) => formatRate(process.rx_rate) },
    { label: 'Send', class: 'num', cell: (process) => formatRate(process.tx_rate) },
    { label: 'Connections', class: 'num', cell: (process) => process.connection_count },
  ],
};

/** A name as a regular expression matching it literally (the events filters take patterns). */
const escapeRegex = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/** The latest snapshot's interfaces, disks and busiest processes, and the last hour's network-intel alerts. */
export function HostTables({ detail }: { detail: HostDetail | undefined }) {
  const latest = detail?.latest;
  const waiting = detail === undefined;
  return (
    <>
      <h2>Network-intel alerts (last hour)</h2>
      {detail && detail.alerts.length === 0 && <p class="ok-note">No alert in the last hour.</p>}
      {detail && detail.alerts.length > 0 && (
        <ul class="plain alerts">
          {detail.alerts.slice(0, ALERTS_SHOWN).map((alert, index) => (
            <li key={`${alert.timestamp}-${index}`} class={`alert-item severity-${alert.severity.toLowerCase()}`}>
              <span class="badge">{alert.severity}</span> <strong>{alert.message}</strong>{' '}
              <span class="muted">
                {alert.category} · {formatDate(Date.parse(alert.timestamp) / 1000)}
              </span>
              {alert.detail && <div class="muted wrap">{alert.detail}</div>}
            </li>
          ))}
        </ul>
      )}
      {detail && (
        <p>
          {detail.alerts.length > ALERTS_SHOWN && `And ${detail.alerts.length - ALERTS_SHOWN} older ones. `}
          <a href={href('events', { service: `^${escapeRegex(`host:${detail.host.hostname}`)}$` })}>
            Events of this host
          </a>
        </p>
      )}

      <CardTable {...INTERFACES} rows={latest?.interfaces} loading={waiting} />
      <CardTable {...DISKS} rows={latest?.disks} loading={waiting} />
      <CardTable {...PROCESSES} rows={latest?.processes} loading={waiting} />
      {detail && !latest && <p class="muted">No snapshot yet.</p>}
    </>
  );
}
