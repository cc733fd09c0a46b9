import { api, describeError, get } from '../api';
import { useServerNow } from '../clock';
import { formatAgo, formatDate } from '../format';
import { useLive } from '../live';
import { useResource } from '../resource';
import { useTitle } from '../route';
import type { Agent, HostSummary } from '../types';
import { announce } from '../ui/announce';
import { useConfirm } from '../ui/confirm';
import { ErrorNote } from '../ui/error-note';
import { Gauge } from '../ui/gauge';
import { Enroll } from './enroll';
import { PlaceholderRows } from '../ui/placeholder';

export function HostsPage() {
  useTitle('Hosts');
  const data = useResource(async (signal) => {
    const [hosts, agents] = await Promise.all([
      get<{ hosts: HostSummary[] }>('/api/v1/hosts', {}, signal),
      get<{ agents: Agent[] }>('/api/v1/agents', {}, signal),
    ]);
    return { hosts: hosts.hosts, agents: agents.agents };
  }, []);
  useLive('hosts', () => data.reload(), 1000);
  const now = useServerNow(5);
  const { dialog, ask } = useConfirm();
  const agents = new Map((data.data?.agents ?? []).map((agent) => [agent.id, agent]));

  const revoke = async (agent: Agent): Promise<void> => {
    const yes = await ask({
      title: `Revoke ${agent.name}?`,
      body: <p>Its key stops working at once and its connection is closed. Its hosts and history stay.</p>,
      confirm: 'Revoke',
    });
    if (!yes) {
      return;
    }
    try {
      await api('DELETE', `/api/v1/agents/${encodeURIComponent(agent.id)}`);
      announce(`${agent.name} revoked`);
      data.reload();
    } catch (error) {
      announce(`${agent.name}: ${describeError(error)}`, true);
    }
  };

  return (
    <section>
      <h1>Hosts</h1>
      <ErrorNote error={data.error} />
      <table class="cards hosts" aria-busy={data.loading}>
        <thead>
          <tr>
            <th scope="col">Host</th>
            <th scope="col">Connection</th>
            <th scope="col">Version</th>
            <th scope="col">Last snapshot</th>
            <th scope="col">Load</th>
            <th scope="col">CPU, memory, disk</th>
          </tr>
        </thead>
        <tbody>
          {data.data?.hosts.map((host) => (
            <tr key={host.id}>
              <th scope="row" data-label="Host">
                <a href={`#/hosts/${encodeURIComponent(host.id)}`}>{host.hostname}</a>
              </th>
              <td data-label="Connection">
                <Connection host={host} agent={host.agentId ? agents.get(host.agentId) : undefined} />
              </td>
              <td data-label="Version">{host.agentVersion}</td>
              <td data-label="Last snapshot">
                <time title={host.lastSnapshotAt ? formatDate(host.lastSnapshotAt) : undefined}>
                  {formatAgo(host.lastSnapshotAt, now)}
                </time>
              </td>
              <td data-label="Load">{host.load1 === null ? '–' : host.load1.toFixed(2)}</td>
              <td class="gauges">
                <Gauge label="CPU" value={host.cpuPct} />
                <Gauge label="Memory" value={host.memUsedPct} />
                <Gauge label="Disk" value={host.diskUsedPct} />
              </td>
            </tr>
          ))}
          {!data.data && <PlaceholderRows rows={3} columns={6} />}
        </tbody>
      </table>
      {data.data && data.data.hosts.length === 0 && (
        <p class="muted">No host has sent a snapshot yet. Enroll an agent below, then start it on the host.</p>
      )}

      <h2>Agents</h2>
      <table class="cards agents">
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">State</th>
            <th scope="col">Version</th>
            <th scope="col">Last seen</th>
            <th scope="col">Enrolled</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {data.data?.agents.map((agent) => (
            <tr key={agent.id} class={agent.revokedAt ? 'revoked' : undefined}>
              <th scope="row" data-label="Agent">
                {agent.name}
              </th>
              <td data-label="State">
                <AgentState agent={agent} />
              </td>
              <td data-label="Version">{agent.connection?.agentVersion ?? '–'}</td>
              <td data-label="Last seen">{formatAgo(agent.lastSeenAt, now)}</td>
              <td data-label="Enrolled">{formatDate(agent.createdAt)}</td>
              <td class="row-actions">
                {!agent.revokedAt && (
                  <button
                    type="button"
                    class="small danger"
                    aria-label={`Revoke ${agent.name}`}
                    onClick={() => void revoke(agent)}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
          {!data.data && <PlaceholderRows rows={2} columns={6} />}
        </tbody>
      </table>
      {data.data && data.data.agents.length === 0 && <p class="muted">No agent enrolled yet.</p>}
      <Enroll onEnrolled={() => data.reload()} />
      {dialog}
    </section>
  );
}

function Connection({ host, agent }: { host: HostSummary; agent: Agent | undefined }) {
  if (host.embedded) {
    return <span class="badge conn-embedded">embedded</span>;
  }
  const connection = agent?.connection;
  if (agent?.connected && connection) {
    return (
      <span
        class={`badge conn-${connection.protocol}`}
        title={connection.protocol === 'ws' ? 'plain WebSocket (not encrypted)' : 'WebSocket over TLS'}
      >
        {connection.protocol}
      </span>
    );
  }
  return <span class="badge conn-off">offline</span>;
}

function AgentState({ agent }: { agent: Agent }) {
  if (agent.revokedAt) {
    return <span class="badge conn-off">revoked</span>;
  }
  if (agent.connected && agent.connection) {
    return <span class={`badge conn-${agent.connection.protocol}`}>{agent.connection.protocol}</span>;
  }
  return <span class="badge conn-off">offline</span>;
}
