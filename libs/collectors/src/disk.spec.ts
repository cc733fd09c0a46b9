import { validateSnapshot, type Snapshot } from '@lib/wire-format';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  collectDisk,
  collectDiskIo,
  collectDiskUsage,
  decodeMountField,
  diskUsage,
  type FsStats,
  parseDiskstats,
  parseMounts,
} from './disk';
import { type FileReader, fixtureFs, hostFs } from './proc-fs';

const fixture = (name: string): string => readFileSync(join(__dirname, '../test/fixtures/disk', name), 'utf8');
const lines = (name: string): string[] => fixture(name).split('\n').filter(Boolean);
const capturedStatfs = JSON.parse(fixture('statfs.json')) as Record<string, FsStats>;
const blocks = (total: number, free: number, available: number): FsStats => ({
  blockSize: 4096,
  blocks: total,
  blocksFree: free,
  blocksAvailable: available,
});
const wireValid = (fields: Partial<Snapshot>): void =>
  expect(validateSnapshot({ timestamp: '2026-11-21T22:35:24.512Z', interfaces: [], ...fields })).toMatchObject({
    ok: true,
  });
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.uint8Array().map((bytes) => Buffer.from(bytes).toString('utf8')),
  fc.nat().map((n) => fixture('diskstats-partitions.txt').slice(0, n)),
  fc.nat().map((n) => fixture('mounts-edge.txt').slice(0, n)),
);

describe('parseMounts', () => {
  it('keeps the one real disk of a captured mount table', () => {
    expect(parseMounts(fixture('mounts.txt'))).toEqual([{ device: '/dev/vda', mountPoint: '/', fsType: 'ext4' }]);
  });

  it('drops pseudo filesystems and non-/dev devices, decodes escapes, keeps bind mounts', () => {
    expect(parseMounts(fixture('mounts-edge.txt')).map((m) => [m.device, m.mountPoint])).toEqual([
      ['/dev/nvme0n1p2', '/'],
      ['/dev/nvme0n1p1', '/boot/efi'],
      ['/dev/mapper/vg0-data', '/srv/My Files'],
      ['/dev/sdb1', '/mnt/tab\tand\\backslash'],
      ['/dev/sdc1', '/media/line\nbreak'],
      ['/dev/nvme0n1p2', '/var/lib/docker'],
      ['/dev/sdd', '/mnt/empty'],
      ['/dev/sde', '/mnt/unstatable'],
    ]);
  });

  it('never throws', () => {
    fc.assert(fc.property(anyText, (text) => expect(Array.isArray(parseMounts(text))).toBe(true)));
  });
});

describe('decodeMountField', () => {
  it('decodes three-digit octal escapes only', () => {
    expect(decodeMountField('/a\\040b\\011c\\012d\\134e')).toBe('/a b\tc\nd\\e');
    expect(decodeMountField('/a\\04b\\999')).toBe('/a\\04b\\999');
  });
});

describe('diskUsage', () => {
  const root = { device: '/dev/vda', mountPoint: '/', fsType: 'ext4' };

  it('computes the captured root filesystem (reserved blocks leave used + available below total)', () => {
    expect(diskUsage(root, capturedStatfs['/'])).toEqual({
      mount_point: '/',
      device: '/dev/vda',
      total_bytes: 270553174016,
      used_bytes: 25996296192,
      available_bytes: 82947997696,
      usage_pct: 9.6,
    });
  });

  it('skips a filesystem without statfs or without size', () => {
    expect(diskUsage(root, null)).toBeNull();
    expect(diskUsage(root, blocks(0, 0, 0))).toBeNull();
  });

  it('keeps used + available <= total, integer bytes and a percent in [0, 100] for any statfs answer', () => {
    const count = fc.oneof(fc.nat(), fc.nat({ max: 10 }), fc.double(), fc.constant(Number.MAX_SAFE_INTEGER));
    const stats = fc.record({ blockSize: count, blocks: count, blocksFree: count, blocksAvailable: count });
    fc.assert(
      fc.property(stats, (s) => {
        const row = diskUsage(root, s);
        if (row) {
          for (const bytes of [row.total_bytes, row.used_bytes, row.available_bytes]) {
            expect(Number.isSafeInteger(bytes) && bytes >= 0).toBe(true);
          }
          expect(row.used_bytes + row.available_bytes).toBeLessThanOrEqual(row.total_bytes);
          expect(row.usage_pct >= 0 && row.usage_pct <= 100).toBe(true);
          wireValid({ disk_usage: [row] });
        }
      }),
    );
  });
});

describe('parseDiskstats', () => {
  it('counts only the whole disks of a captured machine (loop and zram skipped)', () => {
    expect(parseDiskstats(fixture('diskstats.txt'), lines('sys-block.txt'))).toEqual({
      read_bytes: 13721322 * 512,
      write_bytes: 71136208 * 512,
    });
  });

  it('never adds a partition to its disk, nor dm, md, zram, loop or ram devices', () => {
    // nvme0n1 + sda + sr0 + cciss/c0d0 (listed as cciss!c0d0)
    expect(parseDiskstats(fixture('diskstats-partitions.txt'), lines('sys-block-partitions.txt'))).toEqual({
      read_bytes: (9600000 + 400000 + 40 + 1000) * 512,
      write_bytes: (6400000 + 200000 + 0 + 2000) * 512,
    });
  });

  it("falls back to the reference's rule without a /sys/block listing", () => {
    expect(parseDiskstats(fixture('diskstats-partitions.txt'))).toEqual({
      read_bytes: (9600000 + 12000 + 9587000 + 400000 + 399000 + 80 + 800 + 40 + 1000) * 512,
      write_bytes: (6400000 + 16 + 6399984 + 200000 + 200000 + 0 + 1600 + 0 + 2000) * 512,
    });
  });

  it('is null when no line qualifies', () => {
    expect(parseDiskstats('')).toBeNull();
    expect(parseDiskstats('   8      17 sdb1 10 0 20 30\n', ['sdb'])).toBeNull();
    expect(parseDiskstats(fixture('diskstats.txt'), ['loop0', 'zram0'])).toBeNull();
  });

  it('never throws and emits wire-valid values', () => {
    fc.assert(
      fc.property(anyText, fc.array(fc.constantFrom('sda', 'nvme0n1', 'loop0', 'x')), (text, disks) => {
        wireValid({ disk_io: parseDiskstats(text, disks) });
      }),
    );
  });
});

describe('collectDisk', () => {
  const edgeMounts = {
    '/': blocks(1000, 400, 350),
    '/boot/efi': blocks(100, 90, 90),
    '/srv/My Files': blocks(2000, 1000, 1000),
    '/mnt/tab\tand\\backslash': blocks(10, 10, 10),
    '/media/line\nbreak': blocks(10, 0, 0),
    '/var/lib/docker': blocks(1000, 400, 350),
    '/mnt/empty': blocks(0, 0, 0),
  };

  it('collects a captured machine end to end', async () => {
    const files: Record<string, string> = {
      '/proc/mounts': fixture('mounts.txt'),
      '/proc/diskstats': fixture('diskstats.txt'),
    };
    for (const name of lines('sys-block.txt')) {
      files[`/sys/block/${name}/size`] = '0\n';
    }
    await expect(collectDisk(fixtureFs(files, { mounts: capturedStatfs }))).resolves.toEqual({
      disk_usage: [expect.objectContaining({ mount_point: '/', device: '/dev/vda', usage_pct: 9.6 })],
      disk_io: { read_bytes: 7025316864, write_bytes: 36421738496 },
    });
  });

  it('skips unstatable and empty filesystems and keeps mount-table order', async () => {
    const fs = fixtureFs({ '/proc/mounts': fixture('mounts-edge.txt') }, { mounts: edgeMounts });
    const usage = await collectDiskUsage(fs);
    expect(usage?.map((row) => row.mount_point)).toEqual([
      '/',
      '/boot/efi',
      '/srv/My Files',
      '/mnt/tab\tand\\backslash',
      '/media/line\nbreak',
      '/var/lib/docker',
    ]);
    expect(usage?.[4]).toMatchObject({ used_bytes: 40960, available_bytes: 0, usage_pct: 100 });
  });

  it("reads the host's mount namespace and statfs under HOST_ROOT in host mode, reporting unprefixed", async () => {
    const fs = fixtureFs(
      { '/host/proc/1/mounts': fixture('mounts.txt'), '/host/proc/mounts': 'ignored' },
      { mounts: { '/host/': capturedStatfs['/'] } },
    );
    const usage = await collectDiskUsage(fs, { proc: '/host/proc', host: '/host/' });
    expect(usage).toEqual([expect.objectContaining({ mount_point: '/', total_bytes: 270553174016 })]);
  });

  it('gives up on a mount whose statfs hangs (a dead network mount)', async () => {
    jest.useFakeTimers();
    try {
      const fs: FileReader = {
        ...fixtureFs({ '/proc/mounts': '/dev/sda1 /data ext4 rw 0 0\n/dev/sdb1 /nfs-ish ext4 rw 0 0\n' }),
        statfs: async (path) => (path === '/data' ? blocks(10, 5, 5) : new Promise(() => undefined)),
      };
      const pending = collectDiskUsage(fs);
      await jest.advanceTimersByTimeAsync(2000);
      await expect(pending).resolves.toEqual([expect.objectContaining({ mount_point: '/data' })]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('gives nulls when nothing can be read (another platform)', async () => {
    await expect(collectDisk(fixtureFs({}))).resolves.toEqual({ disk_usage: null, disk_io: null });
    await expect(collectDiskIo(fixtureFs({ '/proc/diskstats': '' }))).resolves.toBeNull();
  });
});

describe('on this host', () => {
  const linux = process.platform === 'linux' ? it : it.skip;

  linux('reads the real mounts and disks', async () => {
    wireValid(await collectDisk(hostFs));
  });
});
