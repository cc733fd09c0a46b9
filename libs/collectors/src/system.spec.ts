import { validateSnapshot } from '@lib/wire-format';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureFs, hostFs } from './proc-fs';
import { collectSystem, CpuMeter, cpuPercent, cpuUsage, parseLoadavg, parseMeminfo, parseStat } from './system';

const fixture = (name: string): string => readFileSync(join(__dirname, '../test/fixtures/system', name), 'utf8');
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.uint8Array().map((bytes) => Buffer.from(bytes).toString('utf8')),
  fc.nat().map((n) => fixture('stat-4core-a.txt').slice(0, n)),
  fc.nat().map((n) => fixture('meminfo.txt').slice(0, n)),
);

describe('parseStat', () => {
  it('reads the aggregate and per-core lines of a captured /proc/stat', () => {
    const stat = parseStat(fixture('stat-1.txt'));
    expect(stat.aggregate).toEqual({ idle: 480332, total: 354532 + 52563 + 480332 + 3385 + 11017 + 1454 });
    expect([...stat.cores.keys()]).toEqual([0, 1]);
  });

  it('needs at least 4 numbers and a space after "cpu"', () => {
    expect(parseStat('cpu  1 2 3\ncpu0 1 2 3\n')).toEqual({ aggregate: null, cores: new Map() });
    expect(parseStat('cpux 1 2 3 4\n cpu0 1 2 3 4\n').cores.size).toBe(0);
  });
});

describe('cpuPercent', () => {
  it('counts iowait as busy and idle as the 4th value only', () => {
    expect(cpuPercent({ idle: 0, total: 0 }, { idle: 50, total: 100 })).toBe(50);
  });

  it('saturates when idle grows faster than total, or counters go backwards', () => {
    expect(cpuPercent({ idle: 100, total: 600 }, { idle: 600, total: 700 })).toBe(0);
    expect(cpuPercent({ idle: 900, total: 1000 }, { idle: 100, total: 500 })).toBe(0);
    expect(cpuPercent({ idle: 900, total: 1000 }, { idle: 100, total: 1100 })).toBe(100);
  });
});

describe('cpuUsage', () => {
  it('gives aggregate and per-core percentages from the same two reads', () => {
    const usage = cpuUsage(parseStat(fixture('stat-4core-a.txt')), parseStat(fixture('stat-4core-b.txt')));
    expect(usage).toEqual({ cpu_usage_pct: 60, cpu_per_core: [100, 25, 16.7, 0] });
  });

  it('computes a captured 200 ms window of this machine', () => {
    const usage = cpuUsage(parseStat(fixture('stat-1.txt')), parseStat(fixture('stat-2.txt')));
    expect(usage).toEqual({ cpu_usage_pct: 0, cpu_per_core: [0, 4.8] });
  });

  it('drops per-core values when a core went offline between the reads', () => {
    const usage = cpuUsage(parseStat(fixture('stat-4core-b.txt')), parseStat(fixture('stat-3core-hotplug.txt')));
    expect(usage).toEqual({ cpu_usage_pct: 60, cpu_per_core: null });
  });

  it('has no per-core values without cpuN lines, and no aggregate without a cpu line', () => {
    expect(cpuUsage(parseStat('cpu  1 2 3 4\n'), parseStat('cpu  2 2 3 4\n'))).toEqual({
      cpu_usage_pct: 100,
      cpu_per_core: null,
    });
    expect(cpuUsage(parseStat(''), parseStat('cpu  2 2 3 4\n')).cpu_usage_pct).toBeNull();
  });

  it('stays within [0, 100] at one decimal for any pair of texts', () => {
    const line = (label: string): fc.Arbitrary<string> =>
      fc
        .array(fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER)), { minLength: 3, maxLength: 11 })
        .map((values) => `${label} ${values.join(' ')}`);
    const statText = fc.oneof(
      anyText,
      fc.tuple(line('cpu '), line('cpu0'), line('cpu1')).map((parts) => parts.join('\n')),
    );
    fc.assert(
      fc.property(statText, statText, (a, b) => {
        const usage = cpuUsage(parseStat(a), parseStat(b));
        for (const pct of [usage.cpu_usage_pct, ...(usage.cpu_per_core ?? [])]) {
          if (pct !== null) {
            expect(pct >= 0 && pct <= 100 && Math.round(pct * 10) / 10 === pct).toBe(true);
          }
        }
      }),
    );
  });
});

describe(CpuMeter.name, () => {
  it('reports usage since the previous sample, and nothing on the first', () => {
    const meter = new CpuMeter();
    expect(meter.sample(parseStat(fixture('stat-4core-a.txt')))).toBeNull();
    expect(meter.sample(parseStat(fixture('stat-4core-b.txt')))?.cpu_usage_pct).toBe(60);
    expect(meter.sample(parseStat(fixture('stat-3core-hotplug.txt')))).toEqual({
      cpu_usage_pct: 60,
      cpu_per_core: null,
    });
    expect(meter.sample(parseStat(fixture('stat-3core-hotplug.txt')))).toEqual({
      cpu_usage_pct: 0,
      cpu_per_core: [0, 0, 0],
    });
  });
});

describe('parseMeminfo', () => {
  it('reads a captured meminfo with MemAvailable and no swap', () => {
    expect(parseMeminfo(fixture('meminfo.txt'))).toEqual({
      memory_total_bytes: 24684092 * 1024,
      memory_used_bytes: (24684092 - 23880124) * 1024,
      memory_available_bytes: 23880124 * 1024,
      swap_total_bytes: 0,
      swap_used_bytes: 0,
    });
  });

  it('estimates available as MemFree + Buffers + Cached on kernels without MemAvailable', () => {
    expect(parseMeminfo(fixture('meminfo-no-memavailable.txt'))).toEqual({
      memory_total_bytes: 2055920 * 1024,
      memory_used_bytes: (2055920 - 1233156) * 1024,
      memory_available_bytes: 1233156 * 1024,
      swap_total_bytes: 4194300 * 1024,
      swap_used_bytes: (4194300 - 4102968) * 1024,
    });
  });

  it('estimates too when MemAvailable is 0, and has no memory values without MemTotal', () => {
    const text = 'MemTotal: 1000 kB\nMemAvailable: 0 kB\nMemFree: 100 kB\nCached: 50 kB\n';
    expect(parseMeminfo(text).memory_available_bytes).toBe(150 * 1024);
    expect(parseMeminfo('MemFree: 100 kB\nSwapTotal: 8 kB\nSwapFree: 10 kB\n')).toEqual({
      memory_total_bytes: null,
      memory_used_bytes: null,
      memory_available_bytes: null,
      swap_total_bytes: 8192,
      swap_used_bytes: 0,
    });
  });

  it('never throws and emits safe integers >= 0', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const value of Object.values(parseMeminfo(text))) {
          expect(value === null || (Number.isSafeInteger(value) && value >= 0)).toBe(true);
        }
      }),
    );
  });
});

describe('parseLoadavg', () => {
  it('reads the first three numbers', () => {
    expect(parseLoadavg(fixture('loadavg.txt'))).toEqual({ load_avg_1m: 1.15, load_avg_5m: 1.56, load_avg_15m: 1.91 });
  });

  it('is all null for a short or malformed text', () => {
    const none = { load_avg_1m: null, load_avg_5m: null, load_avg_15m: null };
    expect(parseLoadavg('0.5 0.4\n')).toEqual(none);
    expect(parseLoadavg('0.5 nan 0.1 1/2 3\n')).toEqual(none);
  });

  it('never throws and emits finite numbers >= 0', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const value of Object.values(parseLoadavg(text))) {
          expect(value === null || (Number.isFinite(value) && value >= 0)).toBe(true);
        }
      }),
    );
  });
});

describe('collectSystem', () => {
  it('reads /proc/stat twice, one window apart, plus memory and load', async () => {
    const files: Record<string, string> = {
      '/proc/stat': fixture('stat-4core-a.txt'),
      '/proc/meminfo': fixture('meminfo-no-memavailable.txt'),
      '/proc/loadavg': fixture('loadavg.txt'),
    };
    const waits: number[] = [];
    const sleep = async (ms: number): Promise<void> => {
      waits.push(ms);
      files['/proc/stat'] = fixture('stat-4core-b.txt');
    };
    await expect(collectSystem(fixtureFs(files), { sleep })).resolves.toEqual({
      cpu_usage_pct: 60,
      memory_total_bytes: 2055920 * 1024,
      memory_used_bytes: (2055920 - 1233156) * 1024,
      memory_available_bytes: 1233156 * 1024,
      load_avg_1m: 1.15,
      load_avg_5m: 1.56,
      load_avg_15m: 1.91,
      swap_total_bytes: 4194300 * 1024,
      swap_used_bytes: (4194300 - 4102968) * 1024,
      cpu_per_core: [100, 25, 16.7, 0],
    });
    expect(waits).toEqual([200]);
  });

  it('waits on a real timer by default', async () => {
    const fs = fixtureFs({ '/host/proc/stat': fixture('stat-1.txt') });
    const started = Date.now();
    const system = await collectSystem(fs, { proc: '/host/proc', windowMs: 20 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    expect(system).toMatchObject({ cpu_usage_pct: 0, cpu_per_core: [0, 0], memory_total_bytes: null });
  });

  it('emits a wire-valid system metric for any file contents', async () => {
    const file = fc.option(anyText, { nil: undefined });
    await fc.assert(
      fc.asyncProperty(file, file, file, file, async (statA, statB, meminfo, loadavg) => {
        const files: Record<string, string> = {};
        const put = (path: string, text: string | undefined): void => {
          if (text === undefined) {
            delete files[path];
          } else {
            files[path] = text;
          }
        };
        put('/proc/stat', statA);
        put('/proc/meminfo', meminfo);
        put('/proc/loadavg', loadavg);
        const sleep = async (): Promise<void> => put('/proc/stat', statB);
        const system = await collectSystem(fixtureFs(files), { sleep });
        const snapshot = { timestamp: '2026-11-21T22:35:24.512Z', interfaces: [], system };
        expect(validateSnapshot(snapshot)).toMatchObject({ ok: true });
      }),
    );
  });

  it('is all null without waiting when nothing can be read (another platform)', async () => {
    const sleep = jest.fn(async () => undefined);
    const system = await collectSystem(fixtureFs({}), { sleep });
    expect(Object.values(system).every((value) => value === null)).toBe(true);
    expect(sleep).not.toHaveBeenCalled();
  });
});

describe('on this host', () => {
  const linux = process.platform === 'linux' ? it : it.skip;

  linux('measures the real system over a 200 ms window', async () => {
    const system = await collectSystem(hostFs);
    expect(system.cpu_usage_pct).not.toBeNull();
    expect(system.memory_total_bytes).toBeGreaterThan(0);
    const snapshot = { timestamp: '2026-11-21T22:35:24.512Z', interfaces: [], system };
    expect(validateSnapshot(snapshot)).toMatchObject({ ok: true });
  });
});
