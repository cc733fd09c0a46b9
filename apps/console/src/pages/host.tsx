import { useEffect, useMemo, useState } from 'preact/hooks';
import { get } from '../api';
import { serverNow, useServerNow } from '../clock';
import { formatAgo, formatBytes, formatDate, formatDuration } from '../format';
import { useLive } from '../live';
import { useResource } from '../resource';
import { href, useTitle } from '../route';
import type { HostDetail, HostMetrics } from '../types';
import { ErrorNote } from '../ui/error-note';
import type { Line, TimeChart as Chart, Unit } from './charts';
import { HostTables } from './host-tables';

const RANGES = [
  { key: '1h', label: '1 h', seconds: 3600, step: 15 },
  { key: '24h', label: '24 h', seconds: 86400, step: 120 },
  { key: '7d', label: '7 d', seconds: 7 * 86400, step: 900 },
] as const;
type RangeKey = (typeof RANGES)[number]['key'];

interface ChartSpec {
  title: string;
  unit: Unit;
  lines: Line[];
}

// uPlot comes with the first host page, not with the console's first paint
let charts: Promise<typeof Chart> | null = null;
const loadCharts = async (): Promise<typeof Chart> =>
  (charts ??= import('./charts').then((module) => module.TimeChart));

export function HostPage({ id }: { id: string }) {
  const [range, setRange] = useState<RangeKey>('1h');
  const [TimeChart, setTimeChart] = useState<typeof Chart | null>(null);
  const now = useServerNow(5);
  const detail = useResource(
    async (signal) => get<HostDetail>(`/api/v1/hosts/${encodeURIComponent(id)}`, {}, signal),
    [id],
  );
  const metrics = useResource(
    async (signal) => {
      const chosen = RANGES.find((candidate) => candidate.key === range) ?? RANGES[0];
      const from = Math.floor(serverNow()) - chosen.seconds;
      return get<HostMetrics>(`/api/v1/hosts/${encodeURIComponent(id)}/metrics`, { from, step: chosen.step }, signal);
    },
    [id, range],
  );
  useLive(
    'hosts',
    (message) => {
      if (message.reconnected || message.hosts?.includes(id)) {
        detail.reload();
        metrics.reload();
      }
    },
    1000,
  );
  useEffect(() => {
    loadCharts().then(
      (component) => setTimeChart(() => component),
      () => setTimeChart(null),
    );
  }, []);

  const specs = useMemo(() => chartSpecs(metrics.data), [metrics.data]);
  const host = detail.data?.host;
  useTitle(host?.hostname ?? 'Host');

  return (
    <section>
      <p class="crumbs">
        <a href={href('hosts')}>Hosts</a> /
      </p>
      <h1>{host?.hostname ?? ' '}</h1>
      <ErrorNote error={detail.error} />
      <dl class="facts">
        <Fact name="System" value={host?.info ? [host.info.os, host.info.kernel].filter(Boolean).join(', ') : null} />
        <Fact
          name="CPU"
          value={host?.info?.cpu_model ? `${host.info.cpu_model} × ${host.info.cpu_cores ?? '?'}` : null}
        />
        <Fact name="Memory" value={host?.info ? formatBytes(host.info.memory_total_bytes) : null} />
        <Fact name="Up for" value={host?.info?.uptime_secs ? formatDuration(host.info.uptime_secs) : null} />
        <Fact name="Agent" value={host ? (host.embedded ? 'embedded collector' : host.agentVersion) : null} />
        <Fact name="Last snapshot" value={host ? formatAgo(host.lastSnapshotAt, now) : null} />
        <Fact
          name="Load"
          value={
            host && host.load1 !== null
              ? [host.load1, host.load5, host.load15].map((l) => l?.toFixed(2) ?? '–').join(' ')
              : null
          }
        />
        <Fact name="First seen" value={host ? formatDate(host.firstSeenAt) : null} />
      </dl>

      <div class="range" role="radiogroup" aria-label="Chart range">
        {RANGES.map((option) => (
          <label key={option.key} class={range === option.key ? 'chosen' : undefined}>
            <input
              type="radio"
              name="range"
              value={option.key}
              checked={range === option.key}
              onChange={() => setRange(option.key)}
            />
            {option.label}
          </label>
        ))}
      </div>
      <ErrorNote error={metrics.error} />
      <div class="charts" aria-busy={metrics.loading}>
        {(specs ?? PLACEHOLDER_CHARTS).map((spec) =>
          TimeChart && specs && metrics.data ? (
            <TimeChart key={spec.title} {...spec} from={metrics.data.from} to={metrics.data.to} />
          ) : (
            <figure key={spec.title} class="chart">
              <figcaption>{spec.title}</figcaption>
              <div class="chart-box" />
            </figure>
          ),
        )}
      </div>
      <HostTables detail={detail.data} />
    </section>
  );
}

const PLACEHOLDER_CHARTS: ChartSpec[] = ['CPU', 'Load', 'Memory', 'Disk'].map((title) => ({
  title,
  unit: 'pct',
  lines: [],
}));

function chartSpecs(metrics: HostMetrics | undefined): ChartSpec[] | null {
  if (!metrics) {
    return null;
  }
  return [
    { title: 'CPU', unit: 'pct', lines: [{ label: 'CPU %', points: metrics.cpu, color: 1 }] },
    { title: 'Load', unit: 'load', lines: [{ label: 'load 1 min', points: metrics.load1, color: 1 }] },
    { title: 'Memory', unit: 'pct', lines: [{ label: 'memory used %', points: metrics.memUsedPct, color: 1 }] },
    { title: 'Disk', unit: 'pct', lines: [{ label: 'fullest mount %', points: metrics.diskUsedPct, color: 1 }] },
    ...Object.entries(metrics.interfaces)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, series]): ChartSpec => ({
        title: `Network ${name}`,
        unit: 'rate',
        lines: [
          { label: 'rx', points: series.rx, color: 1 },
          { label: 'tx', points: series.tx, color: 2 },
        ],
      })),
  ];
}

function Fact({ name, value }: { name: string; value: string | null }) {
  return (
    <div>
      <dt>{name}</dt>
      <dd>{value ?? '–'}</dd>
    </div>
  );
}
