import { useEffect } from 'preact/hooks';
import { get } from '../api';
import { useServerNow } from '../clock';
import { formatAgo, formatDate } from '../format';
import { useResource } from '../resource';
import type { Ping } from '../types';
import { ErrorNote } from '../ui/error-note';

const POLL_MS = 30_000;

/**
 * The URL monitors (PINGS), beside the heartbeats as in the reference GUI: on time while the last success is
 * younger than two periods (protocol §12). Their state lives in Redis and sends no live message, so this polls.
 */
export function PingsSection() {
  const pings = useResource(async (signal) => (await get<{ pings: Ping[] }>('/pings', {}, signal)).pings, []);
  const now = useServerNow(5);
  useEffect(() => {
    const timer = window.setInterval(() => pings.reload(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [pings.reload]);

  if (!pings.data?.length) {
    return <ErrorNote error={pings.error} />;
  }
  return (
    <section aria-labelledby="pings-title">
      <h2 id="pings-title">URL monitors</h2>
      <table class="cards">
        <thead>
          <tr>
            <th scope="col">Monitor</th>
            <th scope="col">State</th>
            <th scope="col">Last success</th>
            <th scope="col">Check</th>
          </tr>
        </thead>
        <tbody>
          {pings.data.map((ping) => {
            const state = ping.alerted ? 'dead' : now < ping.lastPingSuccess + 2 * ping.frequency ? 'alive' : 'late';
            return (
              <tr key={ping.service}>
                <th scope="row" data-label="Monitor">
                  {ping.service}
                </th>
                <td data-label="State">
                  <span class={`badge state-${state}`}>
                    {state === 'dead' ? 'down' : state === 'alive' ? 'on time' : 'late'}
                  </span>
                </td>
                <td data-label="Last success">
                  <time title={formatDate(ping.lastPingSuccess)}>{formatAgo(ping.lastPingSuccess, now)}</time>
                </td>
                <td data-label="Check" class="wrap">
                  frequency: {ping.frequency} - url: {ping.url}
                  {ping.proxyURL ? ` - proxyURL: ${ping.proxyURL}` : ''}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
