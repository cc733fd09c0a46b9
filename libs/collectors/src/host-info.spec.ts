import { validateHostInfo } from '@lib/wire-format';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureCommands, hostCommands } from './command-runner';
import {
  collectHostInfo,
  collectUptime,
  describeOs,
  isContainer,
  parseCpuinfo,
  parseLscpu,
  parseOsRelease,
  parseUptime,
} from './host-info';
import { fixtureFs, hostFs } from './proc-fs';

const fixture = (name: string): string => readFileSync(join(__dirname, '../test/fixtures/host-info', name), 'utf8');
const system = (name: string): string => readFileSync(join(__dirname, '../test/fixtures/system', name), 'utf8');
const anyText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.uint8Array().map((bytes) => Buffer.from(bytes).toString('utf8')),
  fc.nat().map((n) => fixture('cpuinfo.txt').slice(0, n)),
  fc.nat().map((n) => fixture('lscpu-arm.txt').slice(0, n)),
);
const hostId = '8d0f6c1a-2b7e-4c39-9a51-3e2f7d4b6c80';

describe('parseOsRelease', () => {
  it('reads PRETTY_NAME without its quotes', () => {
    expect(parseOsRelease(fixture('os-release.txt'))).toBe('Debian GNU/Linux 12 (bookworm)');
    expect(parseOsRelease("NAME=x\nPRETTY_NAME='Alpine Linux v3.20'\n")).toBe('Alpine Linux v3.20');
    expect(parseOsRelease('PRETTY_NAME=Gentoo\n')).toBe('Gentoo');
  });

  it('is null without a non-empty PRETTY_NAME', () => {
    expect(parseOsRelease('NAME="Debian"\n')).toBeNull();
    expect(parseOsRelease('PRETTY_NAME=""\n')).toBeNull();
  });
});

describe('parseCpuinfo', () => {
  it('reads the model and counts processors on x86', () => {
    expect(parseCpuinfo(fixture('cpuinfo.txt'))).toEqual({ model: 'Intel(R) Xeon(R) Processor', cores: 2 });
  });

  it('has no model on ARM, where cpuinfo has no "model name"', () => {
    expect(parseCpuinfo(fixture('cpuinfo-arm.txt'))).toEqual({ model: null, cores: 4 });
  });

  it('reports 0 processors as null', () => {
    expect(parseCpuinfo('')).toEqual({ model: null, cores: null });
  });
});

describe('parseLscpu', () => {
  it('prefers "Model name"', () => {
    expect(parseLscpu(fixture('lscpu.txt'))).toBe('Intel(R) Xeon(R) Processor');
    expect(parseLscpu(fixture('lscpu-arm.txt'))).toBe('Cortex-A72');
  });

  it('falls back to vendor and architecture when the model is "-"', () => {
    expect(parseLscpu(fixture('lscpu-unknown-model.txt'))).toBe('0x489 (riscv64)');
    expect(parseLscpu('Vendor ID: ARM\n')).toBe('ARM');
    expect(parseLscpu('Architecture: aarch64\n')).toBe('aarch64');
    expect(parseLscpu('')).toBeNull();
  });
});

describe('parseUptime', () => {
  it('takes the integer part of the first number', () => {
    expect(parseUptime(fixture('uptime.txt'))).toBe(4576);
    expect(parseUptime('12 34\n')).toBe(12);
    expect(parseUptime('x 12')).toBeNull();
  });
});

describe('container detection', () => {
  it('recognises /.dockerenv and docker or containerd cgroups, not a plain host', () => {
    expect(isContainer('', null)).toBe(true);
    expect(isContainer(null, fixture('cgroup-docker.txt'))).toBe(true);
    expect(isContainer(null, '0::/system.slice/containerd.service\n')).toBe(true);
    expect(isContainer(null, fixture('cgroup-1.txt'))).toBe(false);
  });

  it('marks the os name', () => {
    expect(describeOs('Debian GNU/Linux 12 (bookworm)', true)).toBe('Debian GNU/Linux 12 (bookworm) (Docker)');
    expect(describeOs(null, true)).toBe('Linux (Docker)');
    expect(describeOs(null, false)).toBeNull();
  });
});

describe('parsers on arbitrary text', () => {
  it('never throw and emit the right types', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const cpu = parseCpuinfo(text);
        expect(cpu.cores === null || (Number.isInteger(cpu.cores) && cpu.cores > 0)).toBe(true);
        expect(cpu.model === null || cpu.model.length > 0).toBe(true);
        const uptime = parseUptime(text);
        expect(uptime === null || (Number.isSafeInteger(uptime) && uptime >= 0)).toBe(true);
        expect([parseLscpu(text), parseOsRelease(text)].every((v) => v === null || typeof v === 'string')).toBe(true);
      }),
    );
  });
});

describe('collectHostInfo', () => {
  const machine = {
    '/proc/sys/kernel/hostname': 'vm\n',
    '/etc/hostname': 'from-etc\n',
    '/etc/os-release': fixture('os-release.txt'),
    '/proc/1/cgroup': fixture('cgroup-1.txt'),
    '/proc/cpuinfo': fixture('cpuinfo.txt'),
    '/proc/meminfo': system('meminfo.txt'),
    '/proc/uptime': fixture('uptime.txt'),
  };

  it('describes a captured machine', async () => {
    const info = await collectHostInfo(fixtureFs(machine), fixtureCommands({}), { hostId, kernel: '6.1.0-26-amd64' });
    expect(info).toEqual({
      host_id: hostId,
      hostname: 'vm',
      os: 'Debian GNU/Linux 12 (bookworm)',
      kernel: '6.1.0-26-amd64',
      uptime_secs: 4576,
      cpu_model: 'Intel(R) Xeon(R) Processor',
      cpu_cores: 2,
      memory_total_bytes: 24684092 * 1024,
    });
  });

  it('lets AGENT_HOSTNAME and AGENT_OS win, and marks a containerised agent otherwise', async () => {
    const fs = fixtureFs({ ...machine, '/.dockerenv': '' });
    const overridden = await collectHostInfo(fs, fixtureCommands({}), { hostId, hostname: 'db-1', os: 'Custom' });
    expect(overridden).toMatchObject({ hostname: 'db-1', os: 'Custom' });
    const detected = await collectHostInfo(fs, fixtureCommands({}), { hostId, hostname: '  ' });
    expect(detected).toMatchObject({ hostname: 'vm', os: 'Debian GNU/Linux 12 (bookworm) (Docker)' });
  });

  it('never marks Docker in host mode and reads the host roots', async () => {
    const fs = fixtureFs({
      '/.dockerenv': '',
      '/proc/1/cgroup': fixture('cgroup-docker.txt'),
      '/host/proc/sys/kernel/hostname': '\n',
      '/host/etc/hostname': 'real-host\n',
      '/host/etc/os-release': 'PRETTY_NAME="Ubuntu 24.04.1 LTS"\n',
      '/host/proc/cpuinfo': fixture('cpuinfo-arm.txt'),
    });
    const commands = fixtureCommands({ lscpu: fixture('lscpu-arm.txt') });
    const info = await collectHostInfo(fs, commands, { hostId, proc: '/host/proc', etc: '/host/etc' });
    expect(info).toMatchObject({
      hostname: 'real-host',
      os: 'Ubuntu 24.04.1 LTS',
      cpu_model: 'Cortex-A72',
      cpu_cores: 4,
      uptime_secs: null,
      memory_total_bytes: null,
    });
  });

  it('falls back to the hostname command, then to "unknown", and never throws', async () => {
    const fromCommand = await collectHostInfo(fixtureFs({}), fixtureCommands({ hostname: 'cmd-host\n' }), { hostId });
    expect(fromCommand.hostname).toBe('cmd-host');
    const nothing = await collectHostInfo(fixtureFs({}), fixtureCommands({}), { hostId, kernel: '' });
    expect(nothing).toEqual({
      host_id: hostId,
      hostname: 'unknown',
      os: null,
      kernel: null,
      uptime_secs: null,
      cpu_model: null,
      cpu_cores: null,
      memory_total_bytes: null,
    });
  });
});

describe('collectHostInfo on arbitrary files', () => {
  it('never throws and always gives a wire-valid HostInfo', async () => {
    const file = fc.option(anyText, { nil: undefined });
    await fc.assert(
      fc.asyncProperty(file, file, file, file, file, async (hostname, osRelease, cpuinfo, meminfo, uptime) => {
        const entries = Object.entries({
          '/proc/sys/kernel/hostname': hostname,
          '/etc/os-release': osRelease,
          '/proc/cpuinfo': cpuinfo,
          '/proc/meminfo': meminfo,
          '/proc/uptime': uptime,
        }).filter((entry): entry is [string, string] => entry[1] !== undefined);
        const commands = fixtureCommands({ lscpu: cpuinfo ?? null, hostname: hostname ?? null });
        const info = await collectHostInfo(fixtureFs(Object.fromEntries(entries)), commands, { hostId });
        expect(validateHostInfo(info)).toMatchObject({ ok: true });
      }),
    );
  });
});

describe('collectUptime', () => {
  it('reads /proc/uptime on every call', async () => {
    const files = { '/proc/uptime': '10.5 3.0\n' };
    const fs = fixtureFs(files);
    await expect(collectUptime(fs)).resolves.toBe(10);
    files['/proc/uptime'] = '25.01 3.0\n';
    await expect(collectUptime(fs)).resolves.toBe(25);
  });
});

describe('on this host', () => {
  const linux = process.platform === 'linux' ? it : it.skip;

  linux('describes the real machine', async () => {
    const info = await collectHostInfo(hostFs, hostCommands, { hostId });
    expect(info.cpu_cores).toBeGreaterThan(0);
    expect(validateHostInfo(info)).toMatchObject({ ok: true });
  });
});
