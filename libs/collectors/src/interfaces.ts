import type { InterfaceMetric } from '@lib/wire-format';
import { parseUint } from './parse-number';
import type { FileReader } from './proc-fs';

/** Cumulative counters of one interface, before the rate tracker adds deltas, rates and histories. */
export type InterfaceCounters = Omit<
  InterfaceMetric,
  'rx_bytes_delta' | 'tx_bytes_delta' | 'rx_rate' | 'tx_rate' | 'rx_history' | 'tx_history'
>;

const STAT_FILES = [
  'rx_bytes',
  'tx_bytes',
  'rx_packets',
  'tx_packets',
  'rx_errors',
  'tx_errors',
  'rx_dropped',
  'tx_dropped',
] as const;

type StatFile = (typeof STAT_FILES)[number];

/** The raw contents of one interface's sysfs files (`null` when unreadable). */
export type InterfaceFiles = Partial<Record<StatFile | 'operstate', string | null>>;

/** A sysfs counter: trimmed decimal text; anything else (missing, garbage, beyond u64) is 0. */
export function parseCounter(text: string | null | undefined): number {
  return parseUint(text?.trim(), 2 ** 64) ?? 0;
}

/** Only `up` is up: `unknown` (common on tunnels) and `dormant` count as down, like the reference. */
export function parseOperstate(text: string | null | undefined): boolean {
  return text?.trim() === 'up';
}

/** One interface from its sysfs files. */
export function parseInterfaceStats(name: string, files: InterfaceFiles): InterfaceCounters {
  return {
    name,
    is_up: parseOperstate(files.operstate),
    rx_bytes: parseCounter(files.rx_bytes),
    tx_bytes: parseCounter(files.tx_bytes),
    rx_packets: parseCounter(files.rx_packets),
    tx_packets: parseCounter(files.tx_packets),
    rx_errors: parseCounter(files.rx_errors),
    tx_errors: parseCounter(files.tx_errors),
    rx_drops: parseCounter(files.rx_dropped),
    tx_drops: parseCounter(files.tx_dropped),
  };
}

/**
 * Every interface in `<sys>/class/net` except `lo` (spec §3.1), in listing order.
 * An unlistable directory (or a non-Linux host) gives `[]`.
 */
export async function collectInterfaces(fs: FileReader, sys = '/sys'): Promise<InterfaceCounters[]> {
  const names = (await fs.list(`${sys}/class/net`)).filter((name) => name !== 'lo');
  return Promise.all(
    names.map(async (name) => {
      const dir = `${sys}/class/net/${name}`;
      const [operstate, ...stats] = await Promise.all([
        fs.read(`${dir}/operstate`),
        ...STAT_FILES.map(async (file) => fs.read(`${dir}/statistics/${file}`)),
      ]);
      const files: InterfaceFiles = { operstate };
      STAT_FILES.forEach((file, i) => (files[file] = stats[i]));
      return parseInterfaceStats(name, files);
    }),
  );
}
