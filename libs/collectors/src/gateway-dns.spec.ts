import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { isIP, isIPv4 } from 'node:net';
import { join } from 'node:path';
import { type CommandRunner, fixtureCommands, hostCommands } from './command-runner';
import {
  detectDnsServer,
  detectGateway,
  detectHealthTargets,
  parseIpRouteDefault,
  parseResolvConf,
  parseRoute,
} from './gateway-dns';
import { fixtureFs, hostFs } from './proc-fs';

const fixture = (name: string): string => readFileSync(join(__dirname, '../test/fixtures/gateway-dns', name), 'utf8');

function recording(outputs: Parameters<typeof fixtureCommands>[0] = {}): { runner: CommandRunner; calls: string[] } {
  const calls: string[] = [];
  const canned = fixtureCommands(outputs);
  return {
    calls,
    runner: {
      run: async (command, args, options) => {
        calls.push([command, ...args].join(' '));
        return canned.run(command, args, options);
      },
    },
  };
}

describe('parseRoute', () => {
  it('reads the gateway of a captured route table', () => {
    expect(parseRoute(fixture('route.txt'), true)).toBe('192.0.2.1');
  });

  it('needs the UP and GATEWAY flags, prefers the lowest metric and keeps file order on ties', () => {
    expect(parseRoute(fixture('route-multi.txt'), true)).toBe('10.0.0.1');
  });

  it('is null without a default route', () => {
    expect(parseRoute(fixture('route-no-default.txt'), true)).toBeNull();
    expect(parseRoute('', true)).toBeNull();
  });

  it('decodes the address in host byte order', () => {
    const table = 'Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\neth0\t00000000\t0A000001\t0003\t0\t0\t0\n';
    expect(parseRoute(table, false)).toBe('10.0.0.1');
  });
});

describe('parseIpRouteDefault', () => {
  it('takes the 3rd token of the first `default via` line', () => {
    expect(parseIpRouteDefault(fixture('ip-route.txt'))).toBe('192.0.2.1');
    expect(parseIpRouteDefault('  default via 10.0.0.1 dev eth0 metric 100\ndefault via 10.0.0.9 dev wlan0\n')).toBe(
      '10.0.0.1',
    );
  });

  it('is null without one, and for anything but an IPv4 address', () => {
    expect(parseIpRouteDefault('default dev wg0 scope link\n10.0.0.0/24 dev eth0\n')).toBeNull();
    expect(parseIpRouteDefault('default via fe80::1 dev eth0\n')).toBeNull();
    expect(parseIpRouteDefault('')).toBeNull();
  });
});

describe('parseResolvConf', () => {
  it('reads a captured resolv.conf', () => {
    expect(parseResolvConf(fixture('resolv.conf'))).toBe('10.255.255.53');
  });

  it('skips # and ; comments, other keywords and names, and accepts a tab', () => {
    expect(parseResolvConf(fixture('resolv-commented.conf'))).toBe('10.0.0.2');
  });

  it('returns the systemd-resolved stub as written, and reads the upstream file the same way', () => {
    expect(parseResolvConf(fixture('resolv-stub.conf'))).toBe('127.0.0.53');
    expect(parseResolvConf(fixture('resolved-upstream.conf'))).toBe('192.168.1.1');
    expect(parseResolvConf('nameserver fe80::1%wlan0\n')).toBe('fe80::1%wlan0');
  });
});

describe('parsers on arbitrary input', () => {
  it('never throw, and give an IP address or null', () => {
    const text = fc.array(
      fc.oneof(fc.string(), fc.constantFrom('nameserver ', 'default via ', '00000000', '\t', '\n')),
    );
    fc.assert(
      fc.property(text, (parts) => {
        const joined = parts.join('');
        const gateway = parseRoute(joined);
        const viaIp = parseIpRouteDefault(joined);
        const dns = parseResolvConf(joined);
        expect(gateway === null || isIPv4(gateway)).toBe(true);
        expect(viaIp === null || isIPv4(viaIp)).toBe(true);
        expect(dns === null || isIP(dns) !== 0).toBe(true);
      }),
    );
  });
});

describe('detectGateway', () => {
  it('reads /proc/net/route without running anything', async () => {
    const { runner, calls } = recording({ 'ip route': fixture('ip-route.txt') });
    const fs = fixtureFs({ '/host/proc/net/route': fixture('route-no-default.txt') });
    expect(await detectGateway(fs, runner, '/host/proc')).toBeNull();
    expect(calls).toEqual([]);
  });

  it('falls back to `ip route` only when the file is unreadable', async () => {
    const { runner, calls } = recording({ 'ip route': fixture('ip-route.txt') });
    expect(await detectGateway(fixtureFs({}), runner)).toBe('192.0.2.1');
    expect(calls).toEqual(['ip route']);
    expect(await detectGateway(fixtureFs({}), fixtureCommands({}))).toBeNull();
  });
});

describe('detectDnsServer', () => {
  it('looks behind the systemd-resolved stub under the host root', async () => {
    const fs = fixtureFs({
      '/host/etc/resolv.conf': fixture('resolv-stub.conf'),
      '/host/run/systemd/resolve/resolv.conf': fixture('resolved-upstream.conf'),
    });
    expect(await detectDnsServer(fs, '/host/etc', '/host')).toBe('192.168.1.1');
  });

  it('keeps the stub when no upstream is listed, and is null without a resolv.conf', async () => {
    expect(await detectDnsServer(fixtureFs({ '/etc/resolv.conf': fixture('resolv-stub.conf') }))).toBe('127.0.0.53');
    expect(await detectDnsServer(fixtureFs({}))).toBeNull();
  });
});

describe('detectHealthTargets', () => {
  const host = fixtureFs({ '/proc/net/route': fixture('route.txt'), '/etc/resolv.conf': fixture('resolv.conf') });

  it('detects both targets when nothing is configured', async () => {
    expect(await detectHealthTargets(host, fixtureCommands({}), { platform: 'linux' })).toEqual({
      gateway: '192.0.2.1',
      dnsServer: '10.255.255.53',
    });
  });

  it('lets configured targets (AGENT_GATEWAY, AGENT_DNS_SERVER) win over detection', async () => {
    const { runner, calls } = recording();
    const targets = await detectHealthTargets(fixtureFs({}), runner, {
      gateway: '127.0.0.1',
      dnsServer: '127.0.0.1',
      platform: 'linux',
    });
    expect(targets).toEqual({ gateway: '127.0.0.1', dnsServer: '127.0.0.1' });
    expect(calls).toEqual([]);
    expect(await detectHealthTargets(host, runner, { dnsServer: '127.0.0.1', platform: 'linux' })).toEqual({
      gateway: '192.0.2.1',
      dnsServer: '127.0.0.1',
    });
  });

  it('detects nothing on other platforms, but keeps configured targets', async () => {
    expect(await detectHealthTargets(host, fixtureCommands({}), { platform: 'darwin' })).toEqual({
      gateway: null,
      dnsServer: null,
    });
    expect(await detectHealthTargets(host, fixtureCommands({}), { gateway: '127.0.0.1', platform: 'darwin' })).toEqual({
      gateway: '127.0.0.1',
      dnsServer: null,
    });
  });

  (process.platform === 'linux' ? it : it.skip)('reads the real host, probing nothing (live)', async () => {
    const targets = await detectHealthTargets(hostFs, hostCommands);
    expect(targets.gateway === null || isIPv4(targets.gateway)).toBe(true);
    expect(targets.dnsServer === null || isIP(targets.dnsServer) !== 0).toBe(true);
  });
});
