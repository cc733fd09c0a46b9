import { formatBytes, formatDate, formatPct, formatRate } from '../format';
import { href } from '../route';
import type { HostDetail } from '../types';
import { Gauge } from '../ui/gauge';
import { PlaceholderRows } from '../ui/placeholder';

const ALERTS_SHOWN = 10;

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

      <h2>Interfaces</h2>
      <table class="cards">
        <thead>
          <tr>
            <th scope="col">Interface</th>
            <th scope="col">Link</th>
            <th scope="col" class="num">
              Receive
            </th>
            <th scope="col" class="num">
              Send
            </th>
            <th scope="col" class="num">
              Received
            </th>
            <th scope="col" class="num">
              Sent
            </th>
            <th scope="col" class="num">
              Errors / drops
            </th>
          </tr>
        </thead>
        <tbody>
          {latest?.interfaces.map((nic) => (
            <tr key={nic.name}>
              <th scope="row" data-label="Interface">
                {nic.name}
              </th>
              <td data-label="Link">
                <span class={`badge ${nic.is_up ? 'conn-wss' : 'conn-off'}`}>{nic.is_up ? 'up' : 'down'}</span>
              </td>
              <td data-label="Receive" class="num">
                {formatRate(nic.rx_rate)}
              </td>
              <td data-label="Send" class="num">
                {formatRate(nic.tx_rate)}
              </td>
              <td data-label="Received" class="num">
                {formatBytes(nic.rx_bytes)}
              </td>
              <td data-label="Sent" class="num">
                {formatBytes(nic.tx_bytes)}
              </td>
              <td data-label="Errors / drops" class="num">
                {nic.rx_errors + nic.tx_errors} / {nic.rx_drops + nic.tx_drops}
              </td>
            </tr>
          ))}
          {waiting && <PlaceholderRows rows={2} columns={7} />}
        </tbody>
      </table>

      <h2>Disks</h2>
      <table class="cards">
        <thead>
          <tr>
            <th scope="col">Mount</th>
            <th scope="col">Device</th>
            <th scope="col" class="num">
              Used
            </th>
            <th scope="col" class="num">
              Size
            </th>
            <th scope="col">Usage</th>
          </tr>
        </thead>
        <tbody>
          {latest?.disks.map((disk) => (
            <tr key={disk.mount_point}>
              <th scope="row" data-label="Mount">
                {disk.mount_point}
              </th>
              <td data-label="Device" class="wrap">
                {disk.device}
              </td>
              <td data-label="Used" class="num">
                {formatBytes(disk.used_bytes)}
              </td>
              <td data-label="Size" class="num">
                {formatBytes(disk.total_bytes)}
              </td>
              <td class="gauges">
                <Gauge label={`${disk.mount_point} used`} value={disk.usage_pct} />
              </td>
            </tr>
          ))}
          {waiting && <PlaceholderRows rows={2} columns={5} />}
        </tbody>
      </table>

      <h2>Top processes by bandwidth</h2>
      <table class="cards">
        <thead>
          <tr>
            <th scope="col">Process</th>
            <th scope="col" class="num">
              PID
            </th>
            <th scope="col">User</th>
            <th scope="col" class="num">
              CPU
            </th>
            <th scope="col" class="num">
              Memory
            </th>
            <th scope="col" class="num">
              Receive
            </th>
            <th scope="col" class="num">
              Send
            </th>
            <th scope="col" class="num">
              Connections
            </th>
          </tr>
        </thead>
        <tbody>
          {latest?.processes.map((process, index) => (
            <tr key={`${process.pid ?? 'x'}-${process.process_name}-${index}`}>
              <th scope="row" data-label="Process" class="wrap" title={process.cmd}>
                {process.process_name}
              </th>
              <td data-label="PID" class="num">
                {process.pid ?? '–'}
              </td>
              <td data-label="User">{process.user ?? '–'}</td>
              <td data-label="CPU" class="num">
                {formatPct(process.cpu_pct)}
              </td>
              <td data-label="Memory" class="num">
                {formatBytes(process.mem_rss_bytes)}
              </td>
              <td data-label="Receive" class="num">
                {formatRate(process.rx_rate)}
              </td>
              <td data-label="Send" class="num">
                {formatRate(process.tx_rate)}
              </td>
              <td data-label="Connections" class="num">
                {process.connection_count}
              </td>
            </tr>
          ))}
          {waiting && <PlaceholderRows rows={3} columns={8} />}
        </tbody>
      </table>
      {detail && !latest && <p class="muted">No snapshot yet.</p>}
    </>
  );
}
