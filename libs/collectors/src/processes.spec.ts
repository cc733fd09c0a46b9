import { type ProcessBandwidth, validateSnapshot } from '@lib/wire-format';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CommandRunner, fixtureCommands, hostCommands } from './command-runner';
import { fixtureFs, hostFs } from './proc-fs';
import { applyProcessMetadata, collectProcessMetadata, parseEtime, parsePs, PS_ARGS } from './processes';

const fixture = (name: string): string => readFileSync(join(__dirname, '../test/fixtures/processes', name), 'utf8');

// the ps fixture was captured at this instant
const CAPTURED_AT = Date.parse('2026-11-22T00:14:54.715Z');
const PS_LINE = `ps ${PS_ARGS.join(' ')}`;

const row = (name: string, pid: number | null): ProcessBandwidth => ({
  process_name: name,
  pid,
  rx_bytes: 10,
  tx_bytes: 20,
  rx_rate: 1,
  tx_rate: 2,
  connection_count: 1,
});

function recording(runner: CommandRunner): { runner: CommandRunner; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    runner: {
      run: async (command, args, options) => {
        calls.push([command, ...args].join(' '));
        return runner.run(command, args, options);
      },
    },
  };
}

describe('parseEtime', () => {
  it('reads mm:ss, hh:mm:ss and dd-hh:mm:ss', () => {
    expect(parseEtime('05:42')).toBe(342);
    expect(parseEtime('03:05:42')).toBe(11142);
    expect(parseEtime('12-03:05:42')).toBe(12 * 86400 + 11142);
    expect(parseEtime('00:00')).toBe(0);
  });

  it('rejects other shapes and values too large to add up exactly', () => {
    for (const text of ['', '42', '1-2:3', '5-10:20', ':10', '01:02:03:04', 'a:bc', '99999999999999999-00:00:00']) {
      expect(parseEtime(text)).toBeNull();
    }
  });
});

describe('parsePs', () => {
  it('parses a captured run, process names with spaces included', () => {
    const byPid = parsePs(fixture('ps.txt'), CAPTURED_AT);

    expect(byPid.size).toBe(90);
    expect(byPid.get(11345)).toEqual({
      cpu_pct: 9.7,
      ppid: 11339,
      user: 'root',
      mem_rss_bytes: 44644 * 1024,
      mem_virt_bytes: 728780 * 1024,
      state: 'S',
      started_at: '2026-11-22T00:14:53.000Z',
    });
    // a kernel thread: no memory, started at boot (etime 01:16:56)
    expect(byPid.get(2)).toEqual({
      cpu_pct: 0,
      ppid: 0,
      user: 'root',
      mem_rss_bytes: 0,
      mem_virt_bytes: 0,
      state: 'S',
      started_at: '2026-11-21T22:57:58.000Z',
    });
  });

  it('keeps only the scheduler state, skips malformed lines and leaves out fields that do not parse', () => {
    const byPid = parsePs(fixture('ps-edge.txt'), CAPTURED_AT);

    expect([...byPid.keys()]).toEqual([29259, 1234, 777, 999, 1000]);
    expect(byPid.get(29259)).toMatchObject({ cpu_pct: 3.5, user: 'matt', started_at: '2026-11-19T23:12:51.000Z' });
    expect(byPid.get(1234)?.state).toBe('S');
    expect(byPid.get(777)?.state).toBe('R');
    expect(byPid.get(999)).toEqual({ ppid: 1, user: 'root', state: 'Z' });
    expect(byPid.get(1000)).toEqual({
      cpu_pct: 0.1,
      ppid: 1,
      user: 'systemd+',
      mem_rss_bytes: 8000 * 1024,
      mem_virt_bytes: 20000 * 1024,
      state: 'S',
    });
  });

  it('omits a start time before 1970', () => {
    expect(parsePs('1 0 root 0.0 1 1 S 10-00:00:00 init', 5 * 86400 * 1000).get(1)).not.toHaveProperty('started_at');
  });

  it('never throws, and every field it emits satisfies the wire rules', () => {
    const line = fc.oneof(
      fc.string(),
      fc
        .tuple(fc.nat(), fc.string(), fc.string(), fc.string(), fc.string(), fc.string(), fc.string(), fc.string())
        .map((fields) => fields.join(' ')),
    );
    fc.assert(
      fc.property(fc.array(line), fc.integer({ min: 0, max: 4e12 }), (lines, now) => {
        const metadata = parsePs(lines.join('\n'), now);
        const processes = applyProcessMetadata(
          [...metadata.keys()].map((pid) => row(`p${pid}`, pid)),
          metadata,
        );
        expect(validateSnapshot({ timestamp: '2026-11-22T00:14:54.715Z', interfaces: [], processes })).toMatchObject({
          ok: true,
        });
        for (const meta of metadata.values()) {
          expect(Object.values(meta)).not.toContain(undefined);
        }
      }),
    );
  });
});

describe('applyProcessMetadata', () => {
  it('adds the fields in wire order to rows with a known pid and leaves the others alone', () => {
    const metadata = parsePs(fixture('ps.txt'), CAPTURED_AT);
    const exes = new Map([[11345, '/tmp/wt-capture/Web Content']]);
    const rows = [row('Web Content', 11345), row('gone', 99999), row('pid:0', null), row('postgres', 2185)];

    const enriched = applyProcessMetadata(rows, metadata, exes);

    expect(Object.keys(enriched[0])).toEqual([
      'process_name',
      'pid',
      'rx_bytes',
      'tx_bytes',
      'rx_rate',
      'tx_rate',
      'connection_count',
      'cpu_pct',
      'ppid',
      'user',
      'mem_rss_bytes',
      'mem_virt_bytes',
      'state',
      'started_at',
      'cmd',
    ]);
    expect(enriched[0].cmd).toBe('/tmp/wt-capture/Web Content');
    expect(enriched[1]).toBe(rows[1]);
    expect(enriched[2]).toBe(rows[2]);
    // an unreadable exe link only drops cmd
    expect(enriched[3]).toMatchObject({ user: 'postgres', state: 'S' });
    expect(enriched[3]).not.toHaveProperty('cmd');
  });
});

describe('collectProcessMetadata', () => {
  const exeLinks = JSON.parse(fixture('exe.json')) as Record<string, string>;

  it('runs ps with the exact arguments and reads the executable path of each pid', async () => {
    const { runner, calls } = recording(fixtureCommands({ [PS_LINE]: fixture('ps.txt') }));
    const rows = await collectProcessMetadata(
      [row('Web Content', 11345), row('redis-server', 2205)],
      fixtureFs({}, { links: exeLinks }),
      runner,
      { platform: 'linux', now: () => CAPTURED_AT },
    );

    expect(calls).toEqual(['ps -A -o pid=,ppid=,user=,pcpu=,rss=,vsz=,state=,etime=,comm=']);
    expect(rows[0]).toMatchObject({ cpu_pct: 9.7, cmd: '/tmp/wt-capture/Web Content' });
    expect(rows[1]).toMatchObject({ user: 'root', ppid: 1, cmd: '/usr/bin/redis-check-rdb' });
  });

  it('reads exe links under the configured proc root', async () => {
    const links = { '/host/proc/11345/exe': '/usr/lib/firefox/firefox' };
    const rows = await collectProcessMetadata(
      [row('Web Content', 11345)],
      fixtureFs({}, { links }),
      fixtureCommands({ [PS_LINE]: fixture('ps.txt') }),
      { proc: '/host/proc', platform: 'linux', now: () => CAPTURED_AT },
    );
    expect(rows[0].cmd).toBe('/usr/lib/firefox/firefox');
  });

  it('runs nothing for an empty list, and returns the rows unchanged without ps or off Linux', async () => {
    const { runner, calls } = recording(fixtureCommands({ [PS_LINE]: fixture('ps.txt') }));
    expect(await collectProcessMetadata([], fixtureFs({}), runner, { platform: 'linux' })).toEqual([]);
    expect(calls).toEqual([]);

    const rows = [row('Web Content', 11345)];
    expect(await collectProcessMetadata(rows, fixtureFs({}), fixtureCommands({}), { platform: 'linux' })).toBe(rows);
    const failed = fixtureCommands({ [PS_LINE]: { code: null, stdout: fixture('ps.txt') } });
    expect(await collectProcessMetadata(rows, fixtureFs({}), failed, { platform: 'linux' })).toBe(rows);
    expect(await collectProcessMetadata(rows, fixtureFs({}), runner, { platform: 'darwin' })).toBe(rows);
    expect(calls).toEqual([]);
  });

  (process.platform === 'linux' ? it : it.skip)('finds this test process with the real ps (live)', async () => {
    const rows = await collectProcessMetadata([row('node', process.pid)], hostFs, hostCommands);
    expect(rows[0]).toMatchObject({ ppid: process.ppid, cmd: process.execPath });
    expect(typeof rows[0].started_at).toBe('string');
  });
});
