import type { SystemMetric } from '@lib/wire-format';
import { parseDecimal } from './parse-number';
import type { FileReader } from './proc-fs';

/** Jiffies of one `/proc/stat` cpu line: `idle` is the 4th value only, `total` the sum of all values. */
export interface CpuTimes {
  idle: number;
  total: number;
}

/** The cpu lines of one `/proc/stat` read. */
export interface CpuStat {
  aggregate: CpuTimes | null;
  /** `cpuN` lines keyed by N, in file order. */
  cores: Map<number, CpuTimes>;
}

/** CPU percentages between two reads (spec §3.12). */
export type CpuUsage = Pick<SystemMetric, 'cpu_usage_pct' | 'cpu_per_core'>;

/** The memory and swap fields of a `SystemMetric`. */
export type MemoryFields = Pick<
  SystemMetric,
  'memory_total_bytes' | 'memory_used_bytes' | 'memory_available_bytes' | 'swap_total_bytes' | 'swap_used_bytes'
>;

export type LoadFields = Pick<SystemMetric, 'load_avg_1m' | 'load_avg_5m' | 'load_avg_15m'>;

function cpuTimes(fields: string[]): CpuTimes | null {
  // like the reference, non-numeric fields are skipped rather than failing the line
  const values = fields.filter((field) => /^\d+$/.test(field)).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  return values.length >= 4 && Number.isFinite(total) ? { idle: values[3], total } : null;
}

/** The aggregate `cpu ` line and the per-core `cpuN` lines of `/proc/stat`. */
export function parseStat(text: string): CpuStat {
  const stat: CpuStat = { aggregate: null, cores: new Map() };
  for (const line of text.split('\n')) {
    const [label, ...fields] = line.trim().split(/\s+/);
    if (line.startsWith('cpu ') && stat.aggregate === null) {
      stat.aggregate = cpuTimes(fields);
    } else if (/^cpu\d+$/.test(label) && line.startsWith(label)) {
      const times = cpuTimes(fields);
      if (times) {
        stat.cores.set(Number(label.slice(3)), times);
      }
    }
  }
  return stat;
}

/** Busy percent between two reads, one decimal; every difference saturates at 0, so it stays in [0, 100]. */
export function cpuPercent(before: CpuTimes, after: CpuTimes): number {
  const total = Math.max(0, after.total - before.total);
  const idle = Math.max(0, after.idle - before.idle);
  // idle can grow faster than total when the kernel's counters are sampled mid-update
  const busy = Math.max(0, total - idle);
  return total === 0 ? 0 : Math.round((busy / total) * 100 * 10) / 10;
}

/** Aggregate and per-core usage from the same two reads; per-core is `null` when the cores changed. */
export function cpuUsage(before: CpuStat, after: CpuStat): CpuUsage {
  const usage: CpuUsage = {
    cpu_usage_pct: before.aggregate && after.aggregate ? cpuPercent(before.aggregate, after.aggregate) : null,
    cpu_per_core: null,
  };
  const cores = [...after.cores.keys()].sort((a, b) => a - b);
  // ours: the same cpu numbers on both sides, not only the same count (a hot-plug swap is not comparable)
  if (cores.length > 0 && cores.length === before.cores.size && cores.every((n) => before.cores.has(n))) {
    usage.cpu_per_core = cores.map((n) => cpuPercent(before.cores.get(n)!, after.cores.get(n)!));
  }
  return usage;
}

/**
 * CPU usage between consecutive samples. The only state is the previous sample, so one meter can serve
 * a 200 ms window inside a cycle or the whole interval between cycles.
 */
export class CpuMeter {
  private previous: CpuStat | null = null;

  /** Usage since the previous sample; `null` on the first one. */
  sample(stat: CpuStat): CpuUsage | null {
    const previous = this.previous;
    this.previous = stat;
    return previous ? cpuUsage(previous, stat) : null;
  }
}

/** `/proc/meminfo` values in kB keyed by name (the first occurrence wins). */
export function parseMeminfoValues(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^([^:\s]+):\s*(\d+)/.exec(line);
    if (match && !values.has(match[1])) {
      values.set(match[1], Number(match[2]));
    }
  }
  return values;
}

// a value too large to be an exact integer in bytes is treated as absent rather than sent imprecise
function toBytes(kb: number | undefined): number | null {
  return kb !== undefined && Number.isSafeInteger(kb * 1024) ? kb * 1024 : null;
}

/** Memory and swap in bytes (spec §3.12). Memory is all `null` without `MemTotal`. */
export function parseMeminfo(text: string): MemoryFields {
  const kb = parseMeminfoValues(text);
  // kernels before 3.14 have no MemAvailable; the reference estimates it the same way
  const estimate = (kb.get('MemFree') ?? 0) + (kb.get('Buffers') ?? 0) + (kb.get('Cached') ?? 0);
  const total = toBytes(kb.get('MemTotal'));
  const available = toBytes(kb.get('MemAvailable') || estimate);
  const known = total !== null && available !== null;
  const swapTotal = toBytes(kb.get('SwapTotal'));
  const swapFree = toBytes(kb.get('SwapFree'));
  return {
    memory_total_bytes: known ? total : null,
    memory_used_bytes: known ? Math.max(0, total - available) : null,
    memory_available_bytes: known ? available : null,
    swap_total_bytes: swapTotal,
    swap_used_bytes: swapTotal === null || swapFree === null ? null : Math.max(0, swapTotal - swapFree),
  };
}

/** The three load averages of `/proc/loadavg`; all `null` unless the first three fields are numbers. */
export function parseLoadavg(text: string): LoadFields {
  const values = text.trim().split(/\s+/).slice(0, 3).map(parseDecimal);
  const [m1, m5, m15] = values.length === 3 && values.every((value) => value !== null) ? values : [null, null, null];
  return { load_avg_1m: m1, load_avg_5m: m5, load_avg_15m: m15 };
}

export interface SystemOptions {
  proc?: string;
  /** The CPU window between the two `/proc/stat` reads; 200 ms like the reference. */
  windowMs?: number;
  /** Waits out the CPU window (a timer, never a busy wait); specs replace it to step through samples. */
  sleep?: (ms: number) => Promise<void>;
}

const sleepFor = async (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU over one window, memory, swap and load (spec §3.12). Fields that cannot be read are `null`. */
export async function collectSystem(fs: FileReader, options: SystemOptions = {}): Promise<SystemMetric> {
  const proc = options.proc ?? '/proc';
  const meter = new CpuMeter();
  const [first, meminfo, loadavg] = await Promise.all([
    fs.read(`${proc}/stat`),
    fs.read(`${proc}/meminfo`),
    fs.read(`${proc}/loadavg`),
  ]);
  let cpu: CpuUsage | null = null;
  if (first !== null) {
    meter.sample(parseStat(first));
    await (options.sleep ?? sleepFor)(options.windowMs ?? 200);
    const second = await fs.read(`${proc}/stat`);
    cpu = second === null ? null : meter.sample(parseStat(second));
  }
  const memory = meminfo === null ? null : parseMeminfo(meminfo);
  const load = loadavg === null ? null : parseLoadavg(loadavg);
  return {
    cpu_usage_pct: cpu?.cpu_usage_pct ?? null,
    memory_total_bytes: memory?.memory_total_bytes ?? null,
    memory_used_bytes: memory?.memory_used_bytes ?? null,
    memory_available_bytes: memory?.memory_available_bytes ?? null,
    load_avg_1m: load?.load_avg_1m ?? null,
    load_avg_5m: load?.load_avg_5m ?? null,
    load_avg_15m: load?.load_avg_15m ?? null,
    swap_total_bytes: memory?.swap_total_bytes ?? null,
    swap_used_bytes: memory?.swap_used_bytes ?? null,
    cpu_per_core: cpu?.cpu_per_core ?? null,
  };
}
