import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { HintedError } from '../common/hinted-error';
import { RedisClient } from '../common/redis.module';
import { Env } from '../config/env';
import { HostsRepository, HostSummaryRow, SnapshotsRepository } from '../database/repositories';
import { hostContext, rate } from './host-context';
import { HostDetail, HostMetrics, HostSummary, MetricsQuery, Series } from './hosts.dto';

const TOP_PROCESSES = 10;
const OPEN_ALERTS_SECS = 3600;
/** The presence service of an agent (agent-protocol.md): its host is in its name. */
const AGENT_SERVICE = 'agent:';

/** The hosts read API, and the host figures a down alert carries (AlertContext.host). */
@Injectable()
export class HostsService {
  constructor(
    private readonly hosts: HostsRepository,
    private readonly snapshots: SnapshotsRepository,
    private readonly redis: RedisClient,
    private readonly clock: Clock,
    private readonly env: Env,
  ) {}

  async list(): Promise<HostSummary[]> {
    return (await this.hosts.listLatest()).map(summary);
  }

  async get(id: string): Promise<HostDetail> {
    const row = await this.hosts.getLatest(id);
    if (!row) {
      throw new HintedError(404, 'host not found');
    }
    const since = new Date((this.clock.seconds() - OPEN_ALERTS_SECS) * 1000);
    const processes = [...(row.processes ?? [])].sort((a, b) => rate(b) - rate(a)).slice(0, TOP_PROCESSES);
    return {
      host: {
        ...summary(row),
        firstSeenAt: row.firstSeenAt,
        info: row.info,
        load5: row.load5,
        load15: row.load15,
      },
      latest:
        row.snapshotAt === null
          ? null
          : { timestamp: row.snapshotAt, interfaces: row.interfaces ?? [], disks: row.disks ?? [], processes },
      alerts: await this.snapshots.alertsSince(id, since),
    };
  }

  async metrics(id: string, query: MetricsQuery): Promise<HostMetrics> {
    if (!(await this.hosts.exists(id))) {
      throw new HintedError(404, 'host not found');
    }
    const range = { hostId: id, ...query };
    const [scalars, rates] = await Promise.all([
      this.snapshots.scalarSeries(range),
      this.snapshots.interfaceRates(range),
    ]);
    const pick = (key: 'cpu' | 'load1' | 'mem' | 'disk'): Series =>
      scalars.flatMap((b): Series => (b[key] === null ? [] : [[b.t, b[key]]]));
    const interfaces: HostMetrics['interfaces'] = {};
    for (const { name, t, rx, tx } of rates) {
      const series = (interfaces[name] ??= { rx: [], tx: [] });
      if (rx !== null) {
        series.rx.push([t, rx]);
      }
      if (tx !== null) {
        series.tx.push([t, tx]);
      }
    }
    return {
      ...query,
      cpu: pick('cpu'),
      load1: pick('load1'),
      memUsedPct: pick('mem'),
      diskUsedPct: pick('disk'),
      interfaces,
    };
  }

  /** Remembers which host a pulsed service runs on, for its down alert; by hostname, what a pulse knows. */
  async linkService(service: string, hostname: string): Promise<void> {
    await this.redis.hset(this.servicesKey(), service, hostname);
  }

  /** The host part of a down alert's context, or undefined when the service has no known host. */
  async contextFor(service: string): Promise<Record<string, string> | undefined> {
    const hostname = service.startsWith(AGENT_SERVICE)
      ? service.slice(AGENT_SERVICE.length)
      : await this.redis.hget(this.servicesKey(), service);
    if (!hostname) {
      return undefined;
    }
    const figures = await this.hosts.latestByHostname(hostname);
    return figures ? hostContext(figures) : undefined;
  }

  private servicesKey(): string {
    return `${this.env.redisPrefix}:hosts:services`;
  }
}

function summary(row: HostSummaryRow): HostSummary {
  return {
    id: row.id,
    hostname: row.hostname,
    agentId: row.agentId,
    embedded: row.embedded,
    agentVersion: row.agentVersion,
    lastSeenAt: row.lastSeenAt,
    lastSnapshotAt: row.lastSnapshotAt,
    cpuPct: row.cpuPct,
    memUsedPct: row.memUsedPct,
    load1: row.load1,
    diskUsedPct: row.diskUsedPct,
  };
}
