import { execFileSync } from 'node:child_process';
import { hostFs, fixtureFs } from './proc-fs';
import { parsePasswd, procMetadata, readProcMetadata } from './proc-processes';
import { parsePs, PS_ARGS } from './processes';

// A process named "(Web) Content x" started 1 000 s after boot, 2 500 ticks (25 s) of CPU, as procps sees it.
const STAT =
  '4242 ((Web) Content x) S 1 4242 4242 0 -1 4194560 100 0 0 0 2000 500 0 0 20 0 12 0 100000 1234567890 5000 ' +
  '18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0';
const STATUS =
  'Name:\t(Web) Content x\nState:\tS (sleeping)\nUid:\t1001\t1001\t1001\t1001\nVmSize:\t 1205632 kB\nVmRSS:\t   20000 kB\n';
const PASSWD = 'root:x:0:0:root:/root:/bin/bash\nsystemd-resolve:x:1001:1001::/:/usr/sbin/nologin\n';
const NOW = Date.UTC(2026, 10, 21, 22, 35, 24, 700);

describe(procMetadata.name, () => {
  it('computes what ps -o pcpu,rss,vsz,state,etime,user prints, from stat and status', () => {
    // uptime 2 000 s: the process has lived 1 000 s, so pcpu = 25 / 1000 = 2.5 %
    expect(procMetadata(STAT, STATUS, 2000.42, parsePasswd(PASSWD), NOW)).toEqual({
      cpu_pct: 2.5,
      ppid: 1,
      user: 'systemd+',
      mem_rss_bytes: 20000 * 1024,
      mem_virt_bytes: 1205632 * 1024,
      state: 'S',
      started_at: '2026-11-21T22:18:44.000Z',
    });
  });

  it('truncates pcpu to tenths like procps, and shows 0 memory for kernel threads', () => {
    const kthread = 'Name:\tkworker/0:1\nState:\tI (idle)\nUid:\t0\t0\t0\t0\n';
    const meta = procMetadata(STAT.replace(' 2000 500 ', ' 2 1 '), kthread, 1001, parsePasswd(PASSWD), NOW);
    // 3 ticks over 1 s = 3 %; a 1-tick process over 999 s = 0.0 %
    expect(meta).toMatchObject({ cpu_pct: 3, user: 'root', mem_rss_bytes: 0, mem_virt_bytes: 0 });
    expect(procMetadata(STAT.replace(' 2000 500 ', ' 1 0 '), kthread, 1999, new Map(), NOW)).toMatchObject({
      cpu_pct: 0,
      user: '0',
    });
  });

  it('refuses a stat line it cannot read', () => {
    expect(procMetadata('garbage', STATUS, 100, new Map(), NOW)).toBeNull();
  });
});

describe(readProcMetadata.name, () => {
  it('reads only the asked pids from a /proc tree', async () => {
    const fs = fixtureFs({
      '/proc/uptime': '2000.42 3000.00\n',
      '/proc/4242/stat': STAT,
      '/proc/4242/status': STATUS,
      '/etc/passwd': PASSWD,
    });
    const found = await readProcMetadata([4242, 99], fs, { nowMs: NOW });
    expect([...found.keys()]).toEqual([4242]);
    expect(found.get(4242)?.user).toBe('systemd+');
  });

  it('agrees with the real ps about pid 1 (long-lived, so its figures hold still)', async () => {
    if (process.platform !== 'linux') {
      return;
    }
    const nowMs = Date.now();
    const ours = (await readProcMetadata([1], hostFs, { nowMs })).get(1);
    const args = PS_ARGS.map((arg) => (arg === '-A' ? '-p' : arg));
    args.splice(1, 0, '1');
    const theirs = parsePs(execFileSync('ps', args, { encoding: 'utf8' }), nowMs).get(1);
    expect(theirs).toBeDefined();
    expect(ours).toMatchObject({
      ppid: theirs?.ppid,
      user: theirs?.user,
      state: theirs?.state,
    });
    // pid 1 may map or unmap a page between our read and ps's (a 24 KiB change was seen in CI)
    expect(Math.abs((ours?.mem_virt_bytes ?? 0) - (theirs?.mem_virt_bytes ?? 0))).toBeLessThanOrEqual(1048576);
    expect(Math.abs((ours?.cpu_pct ?? 0) - (theirs?.cpu_pct ?? 0))).toBeLessThanOrEqual(0.1);
    // ps derives the start from /proc/stat's btime, we from /proc/uptime: both round to whole
    // seconds from different origins, so they may straddle a second boundary.
    const startGap = Date.parse(ours?.started_at ?? '') - Date.parse(theirs?.started_at ?? '');
    expect(Math.abs(startGap)).toBeLessThanOrEqual(1000);
  });
});
