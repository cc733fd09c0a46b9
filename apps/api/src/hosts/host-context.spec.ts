import { hostContext } from './host-context';

const GIB = 1024 ** 3;
const base = {
  hostname: 'db-1',
  timestamp: null,
  cpuPct: null,
  memUsedBytes: null,
  memTotalBytes: null,
  load1: null,
  load5: null,
  load15: null,
  disks: null,
  processes: null,
};
const disk = (mount_point: string, usage_pct: number) => ({
  mount_point,
  device: '/dev/x',
  total_bytes: 1,
  used_bytes: 1,
  available_bytes: 0,
  usage_pct,
});
const proc = (process_name: string, rx_rate: number, tx_rate: number) => ({
  process_name,
  pid: 1,
  rx_bytes: 0,
  tx_bytes: 0,
  rx_rate,
  tx_rate,
  connection_count: 1,
});

describe(hostContext.name, () => {
  it('renders each figure the last snapshot had, in short strings', () => {
    expect(
      hostContext({
        ...base,
        timestamp: new Date('2026-12-01T10:00:00.000Z'),
        cpuPct: 12.5,
        memUsedBytes: 3.1 * GIB,
        memTotalBytes: 7.8 * GIB,
        load1: 0.52,
        load5: 0.4,
        load15: 0.333,
        disks: [disk('/', 38.4), disk('/var', 91.2)],
        processes: [proc('sshd', 10, 0), proc('nginx', 1.5 * 1024 * 1024, 512 * 1024), proc('cron', 0, 0)],
      }),
    ).toEqual({
      name: 'db-1',
      cpu: '12.5 %',
      memory: '3.1 of 7.8 GiB (39.7 %)',
      load: '0.52 0.40 0.33',
      disk: '/var 91.2 %',
      topProcess: 'nginx 2.0 MiB/s',
      lastSnapshot: '2026-12-01T10:00:00.000Z',
    });
  });

  it('names the host alone when it sent no snapshot yet', () => {
    expect(hostContext(base)).toEqual({ name: 'db-1' });
    expect(hostContext({ ...base, memUsedBytes: 1, memTotalBytes: 0, load1: 1 })).toEqual({ name: 'db-1' });
  });

  it('shows a slow process in bytes per second', () => {
    expect(hostContext({ ...base, processes: [proc('ntpd', 90, 0)] }).topProcess).toBe('ntpd 90 B/s');
  });
});
