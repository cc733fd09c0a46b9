import type { DiskIo, DiskUsage, Snapshot } from '@lib/wire-format';
import { parseUint } from './parse-number';
import type { FileReader } from './proc-fs';

/** One kept line of the mount table, with the kernel's octal escapes decoded. */
export interface MountEntry {
  device: string;
  mountPoint: string;
  fsType: string;
}

/** The statfs answer of a mount point (block counts, block size in bytes). */
export type FsStats = NonNullable<Awaited<ReturnType<FileReader['statfs']>>>;

/** Where the collector looks; host mode (`proc` other than `/proc`) reads the host's mount namespace. */
export interface DiskRoots {
  proc?: string;
  sys?: string;
  host?: string;
}

// pseudo, in-memory and image filesystems whose sizes say nothing about the host's disks (spec §3.10)
const EXCLUDED_FS_TYPES = new Set([
  'proc',
  'sysfs',
  'devpts',
  'tmpfs',
  'devtmpfs',
  'cgroup',
  'cgroup2',
  'pstore',
  'securityfs',
  'debugfs',
  'configfs',
  'fusectl',
  'mqueue',
  'hugetlbfs',
  'autofs',
  'rpc_pipefs',
  'nfsd',
  'binfmt_misc',
  'tracefs',
  'squashfs',
  'overlay',
  'ramfs',
  'efivarfs',
]);

// virtual devices, or devices layered on disks that are already counted (spec §3.11, ours)
const LAYERED_DEVICE = /^(loop|ram|zram|dm-|md)/;
const REFERENCE_SKIPPED_DEVICE = /^(loop|ram|dm-)/;
const SECTOR_BYTES = 512;
const STATFS_TIMEOUT_MS = 2000;

/** `\040` → space, `\011` → tab, `\012` → newline, `\134` → backslash: the kernel's mount table escapes. */
export function decodeMountField(field: string): string {
  return field.replace(/\\([0-3][0-7]{2})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** Real block-device mounts of a `/proc/mounts` text, in table order (bind mounts repeat). */
export function parseMounts(text: string): MountEntry[] {
  const mounts: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3) {
      continue;
    }
    const device = decodeMountField(fields[0]);
    if (device.startsWith('/dev/') && !EXCLUDED_FS_TYPES.has(fields[2])) {
      mounts.push({ device, mountPoint: decodeMountField(fields[1]), fsType: fields[2] });
    }
  }
  return mounts;
}

function isCount(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

/** Sizes of one mount from its statfs answer; `null` when there is none or the filesystem has no size. */
export function diskUsage(mount: MountEntry, stats: FsStats | null): DiskUsage | null {
  if (!stats || ![stats.blockSize, stats.blocks, stats.blocksFree, stats.blocksAvailable].every(isCount)) {
    return null;
  }
  const total = stats.blocks * stats.blockSize;
  if (total === 0 || !Number.isSafeInteger(total)) {
    return null;
  }
  const used = Math.max(0, total - stats.blocksFree * stats.blockSize);
  // ours: a statfs claiming more available than free blocks is clamped so used + available <= total holds
  const available = Math.min(stats.blocksAvailable * stats.blockSize, total - used);
  return {
    mount_point: mount.mountPoint,
    device: mount.device,
    total_bytes: total,
    used_bytes: used,
    available_bytes: available,
    usage_pct: Math.round((used / total) * 100 * 10) / 10,
  };
}

/**
 * Cumulative bytes read and written, from `/proc/diskstats` (spec §3.11). With `wholeDisks` (the names in
 * `/sys/block`), only whole physical disks count, so a partition is never added to its disk; without it,
 * the reference's rule (every device but `loop*`, `ram*`, `dm-*`) applies. `null` when no line qualifies.
 */
export function parseDiskstats(text: string, wholeDisks: readonly string[] = []): DiskIo | null {
  const disks = new Set(wholeDisks);
  let read = 0;
  let written = 0;
  let qualifying = 0;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const sectorsRead = parseUint(fields[5]);
    const sectorsWritten = parseUint(fields[9]);
    if (fields.length < 14 || sectorsRead === null || sectorsWritten === null) {
      continue;
    }
    const name = fields[2];
    // sysfs spells a `/` in a device name as `!` (cciss/c0d0 is /sys/block/cciss!c0d0)
    const wanted =
      disks.size > 0
        ? disks.has(name.replace(/\//g, '!')) && !LAYERED_DEVICE.test(name)
        : !REFERENCE_SKIPPED_DEVICE.test(name);
    if (wanted) {
      read += sectorsRead * SECTOR_BYTES;
      written += sectorsWritten * SECTOR_BYTES;
      qualifying += 1;
    }
  }
  // sums beyond u64 are not representable on the wire; report nothing rather than garbage
  return qualifying > 0 && read < 2 ** 64 && written < 2 ** 64 ? { read_bytes: read, write_bytes: written } : null;
}

async function statfsWithin(fs: FileReader, path: string): Promise<FsStats | null> {
  let timer: NodeJS.Timeout | undefined;
  // a hung network mount must not hold the whole snapshot back
  const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), STATFS_TIMEOUT_MS)));
  try {
    return await Promise.race([fs.statfs(path), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Disk usage per mounted block device (spec §3.10); `null` when no mount qualifies. */
export async function collectDiskUsage(fs: FileReader, roots: DiskRoots = {}): Promise<DiskUsage[] | null> {
  const proc = roots.proc ?? '/proc';
  const hostMode = proc !== '/proc';
  const table = await fs.read(hostMode ? `${proc}/1/mounts` : `${proc}/mounts`);
  const mounts = parseMounts(table ?? '');
  const prefix = hostMode ? (roots.host ?? '/').replace(/\/+$/, '') : '';
  const rows = await Promise.all(
    mounts.map(async (mount) => diskUsage(mount, await statfsWithin(fs, `${prefix}${mount.mountPoint}`))),
  );
  const usage = rows.filter((row): row is DiskUsage => row !== null);
  return usage.length > 0 ? usage : null;
}

/** Cumulative disk I/O over whole disks (spec §3.11); `null` when there is none. */
export async function collectDiskIo(fs: FileReader, roots: DiskRoots = {}): Promise<DiskIo | null> {
  const [stats, disks] = await Promise.all([
    fs.read(`${roots.proc ?? '/proc'}/diskstats`),
    fs.list(`${roots.sys ?? '/sys'}/block`),
  ]);
  return stats === null ? null : parseDiskstats(stats, disks);
}

/** Both disk fields of a snapshot, read concurrently. */
export async function collectDisk(
  fs: FileReader,
  roots: DiskRoots = {},
): Promise<Pick<Snapshot, 'disk_usage' | 'disk_io'>> {
  const [usage, io] = await Promise.all([collectDiskUsage(fs, roots), collectDiskIo(fs, roots)]);
  return { disk_usage: usage, disk_io: io };
}
