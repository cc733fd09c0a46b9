import {
  ADMIN_AUTH,
  authenticatedErrors,
  badQuery,
  curl,
  EXAMPLE_AGENT_ID as AGENT_ID,
  EXAMPLE_AGENT_VERSION,
  EXAMPLE_HOST_ID as HOST_ID,
  EXAMPLE_NOW as NOW,
  idParameter,
  ok,
  queryParameter,
  ref,
} from './openapi.shared';
import type { Operation, PathItem } from './openapi.types';

// What agents, the HTTP ingest and embedded mode sent, read back for the console (README "Hosts").

const { parameter: HOST, notFound: HOST_NOT_FOUND } = idParameter('host', HOST_ID);

const listHosts: Operation = {
  operationId: 'listHosts',
  summary: 'List hosts',
  description:
    "Each host with its latest snapshot's figures (`memUsedPct` = used / total, `diskUsedPct` the fullest mount).",
  tags: ['Hosts'],
  security: ADMIN_AUTH,
  responses: {
    '200': ok('Every host agents, ingest and embedded mode sent.', ref('HostList'), {
      hosts: [
        'README',
        {
          hosts: [
            {
              agentId: AGENT_ID,
              agentVersion: EXAMPLE_AGENT_VERSION,
              cpuPct: 12.5,
              diskUsedPct: 91.2,
              embedded: false,
              hostname: 'db-1',
              id: HOST_ID,
              lastSeenAt: NOW,
              lastSnapshotAt: NOW,
              load1: 0.52,
              memUsedPct: 25,
            },
          ],
          result: 200,
        },
      ],
    }),
    ...authenticatedErrors({ body: false }),
  },
  'x-codeSamples': [curl('curl -s -H "$P" $W/api/v1/hosts')],
};

const getHost: Operation = {
  operationId: 'getHost',
  summary: 'One host',
  description:
    "Its HostInfo, the latest snapshot's interfaces, disks and 10 busiest processes (rx_rate + tx_rate), and the " +
    'network-intel alerts of the last hour, newest first.',
  tags: ['Hosts'],
  security: ADMIN_AUTH,
  parameters: [HOST],
  responses: {
    '200': ok('The host; keys sorted at every level, as the envelope writes them.', ref('HostDetail'), {
      host: [
        'README, with one of each',
        {
          alerts: [
            {
              category: 'port_scan',
              detail: '203.0.113.50 scanned 20 unique ports in 30s targeting 10.0.0.5',
              message: 'Port scan from 203.0.113.50',
              severity: 'critical',
              timestamp: '2026-11-21T22:35:02.118Z',
            },
          ],
          host: {
            agentId: AGENT_ID,
            agentVersion: EXAMPLE_AGENT_VERSION,
            cpuPct: 12.5,
            diskUsedPct: 91.2,
            embedded: false,
            firstSeenAt: NOW - 86400,
            hostname: 'db-1',
            id: HOST_ID,
            info: {
              cpu_cores: 8,
              cpu_model: 'AMD EPYC 7543P 32-Core Processor',
              host_id: HOST_ID,
              hostname: 'db-1',
              kernel: '6.1.0-26-amd64',
              memory_total_bytes: 8589934592,
              os: 'Debian GNU/Linux 12 (bookworm)',
              uptime_secs: 1209600,
            },
            lastSeenAt: NOW,
            lastSnapshotAt: NOW,
            load1: 0.52,
            load15: 0.33,
            load5: 0.4,
            memUsedPct: 25,
          },
          latest: {
            disks: [
              {
                available_bytes: 9448928051,
                device: '/dev/nvme0n1p3',
                mount_point: '/var',
                total_bytes: 107374182400,
                usage_pct: 91.2,
                used_bytes: 97925254349,
              },
            ],
            interfaces: [
              {
                is_up: true,
                name: 'eth0',
                rx_bytes: 918273645120,
                rx_bytes_delta: 1500000,
                rx_drops: 7,
                rx_errors: 0,
                rx_packets: 734019283,
                rx_rate: 100000,
                tx_bytes: 120398475610,
                tx_bytes_delta: 450000,
                tx_drops: 0,
                tx_errors: 0,
                tx_packets: 210394857,
                tx_rate: 30000,
              },
            ],
            processes: [
              {
                connection_count: 12,
                pid: 1123,
                process_name: 'postgres',
                rx_bytes: 1050000,
                rx_rate: 70000,
                tx_bytes: 525000,
                tx_rate: 35000,
              },
            ],
            timestamp: NOW,
          },
          result: 200,
        },
      ],
    }),
    '404': HOST_NOT_FOUND,
    ...authenticatedErrors({ body: false }),
  },
  'x-codeSamples': [curl(`curl -s -H "$P" $W/api/v1/hosts/${HOST_ID}`)],
};

const instant = { type: 'string' as const, description: 'Epoch seconds or ISO 8601 with a zone.' };
const hostMetrics: Operation = {
  operationId: 'hostMetrics',
  summary: 'Series for charts',
  description:
    'Averaged per bucket of `step` seconds in SQL over [from, to), the last hour by default; `step` is raised so ' +
    'that no series exceeds 1,000 points.',
  tags: ['Hosts'],
  security: ADMIN_AUTH,
  parameters: [
    HOST,
    queryParameter('from', 'Start (inclusive); default `to` - 3600.', instant, '2026-12-01T00:00:00Z'),
    queryParameter('to', 'End (exclusive); default just after now.', instant, '2026-12-02T00:00:00Z'),
    queryParameter(
      'step',
      'Bucket length in seconds, 1-31536000.',
      { type: 'integer', minimum: 1, maximum: 31536000 },
      300,
    ),
  ],
  responses: {
    '200': ok('The series.', ref('HostMetrics'), {
      day: [
        'README, one point each',
        {
          cpu: [[NOW, 12.5]],
          diskUsedPct: [[NOW, 91.2]],
          from: NOW - 3600,
          interfaces: { eth0: { rx: [[NOW, 100]], tx: [[NOW, 30]] } },
          load1: [[NOW, 0.52]],
          memUsedPct: [[NOW, 25]],
          result: 200,
          step: 300,
          to: NOW,
        },
      ],
    }),
    '400': badQuery({
      from: 'invalid from',
      to: 'invalid to',
      step: 'step must be an integer from 1 to 31536000',
      order: 'from must be before to',
    }),
    '404': HOST_NOT_FOUND,
    ...authenticatedErrors({ body: false }),
  },
  'x-codeSamples': [
    curl(
      `curl -s -H "$P" "$W/api/v1/hosts/${HOST_ID}/metrics?from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z&step=300"`,
    ),
  ],
};

export const HOST_PATHS: Record<string, PathItem> = {
  '/api/v1/hosts': { get: listHosts },
  '/api/v1/hosts/{id}': { get: getHost },
  '/api/v1/hosts/{id}/metrics': { get: hostMetrics },
};
