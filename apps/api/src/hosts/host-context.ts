import type { ProcessBandwidth } from '@lib/wire-format';
import type { HostFiguresRow } from '../database/repositories';

const GIB = 1024 ** 3;

/**
 * The `host` part of a down alert's context (AlertContext.host): short strings an operator reads in a push
 * message ("Host cpu: 12.5 %"), only the figures the last snapshot had.
 */
export function hostContext(figures: HostFiguresRow): Record<string, string> {
  const context: Record<string, string> = { name: figures.hostname };
  if (figures.cpuPct !== null) {
    context.cpu = `${figures.cpuPct.toFixed(1)} %`;
  }
  const { memUsedBytes: used, memTotalBytes: total } = figures;
  if (used !== null && total !== null && total > 0) {
    context.memory = `${(used / GIB).toFixed(1)} of ${(total / GIB).toFixed(1)} GiB (${((used / total) * 100).toFixed(1)} %)`;
  }
  const loads = [figures.load1, figures.load5, figures.load15];
  if (loads.every((load) => load !== null)) {
    context.load = loads.map((load) => load.toFixed(2)).join(' ');
  }
  const fullest = [...(figures.disks ?? [])].sort((a, b) => b.usage_pct - a.usage_pct)[0];
  if (fullest) {
    context.disk = `${fullest.mount_point} ${fullest.usage_pct.toFixed(1)} %`;
  }
  const busiest = [...(figures.processes ?? [])].sort((a, b) => rate(b) - rate(a))[0];
  if (busiest) {
    context.topProcess = `${busiest.process_name} ${formatRate(rate(busiest))}`;
  }
  if (figures.timestamp) {
    context.lastSnapshot = figures.timestamp.toISOString();
  }
  return context;
}

export function rate(process: ProcessBandwidth): number {
  return (process.rx_rate ?? 0) + (process.tx_rate ?? 0);
}

function formatRate(bytesPerSec: number): string {
  const units = ['B/s', 'KiB/s', 'MiB/s', 'GiB/s'];
  let value = bytesPerSec;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
