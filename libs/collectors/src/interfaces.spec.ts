import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collectInterfaces, parseCounter, parseInterfaceStats, parseOperstate } from './interfaces';
import { fixtureFs } from './proc-fs';

const captured = (name: string): Record<string, string> =>
  JSON.parse(readFileSync(join(__dirname, '../test/fixtures/interfaces', name), 'utf8')) as Record<string, string>;

describe('parseCounter', () => {
  it('reads trimmed decimal text', () => {
    expect(parseCounter('996264562\n')).toBe(996264562);
    expect(parseCounter(' 0 ')).toBe(0);
  });

  it('turns anything else into 0', () => {
    for (const text of [null, undefined, '', '-1', '12abc', '0x10', '1e5', '1.5', '9'.repeat(30)]) {
      expect(parseCounter(text)).toBe(0);
    }
  });

  it('always gives an integer >= 0', () => {
    fc.assert(fc.property(fc.string(), (text) => expect(Number.isInteger(parseCounter(text))).toBe(true)));
  });
});

describe('parseOperstate', () => {
  it('is up only for exactly "up"', () => {
    expect(parseOperstate('up\n')).toBe(true);
    for (const text of ['unknown\n', 'dormant', 'down', 'UP', 'lowerlayerdown', '', null]) {
      expect(parseOperstate(text)).toBe(false);
    }
  });
});

describe('parseInterfaceStats', () => {
  it('maps rx_dropped/tx_dropped to the drops fields and unreadable files to 0', () => {
    expect(
      parseInterfaceStats('tun0', { operstate: 'unknown\n', rx_bytes: '10\n', tx_bytes: 'garbage', rx_dropped: '3' }),
    ).toEqual({
      name: 'tun0',
      is_up: false,
      rx_bytes: 10,
      tx_bytes: 0,
      rx_packets: 0,
      tx_packets: 0,
      rx_errors: 0,
      tx_errors: 0,
      rx_drops: 3,
      tx_drops: 0,
    });
  });
});

describe('collectInterfaces', () => {
  it('reads every interface but lo from a captured /sys tree', async () => {
    const interfaces = await collectInterfaces(fixtureFs(captured('sys-class-net-1.json')));
    expect(interfaces.map((i) => i.name)).toEqual(['eth0', 'ifb0', 'ifb1']);
    expect(interfaces[0]).toEqual({
      name: 'eth0',
      is_up: true,
      rx_bytes: 996264562,
      tx_bytes: 4684830,
      rx_packets: 33414,
      tx_packets: 26175,
      rx_errors: 0,
      tx_errors: 0,
      rx_drops: 0,
      tx_drops: 0,
    });
    expect(interfaces[1].is_up).toBe(false);
  });

  it('keeps docker, veth and tunnel interfaces and reads under another /sys root', async () => {
    const fs = fixtureFs({
      '/host/sys/class/net/docker0/operstate': 'down\n',
      '/host/sys/class/net/veth1a2b/operstate': 'up\n',
      '/host/sys/class/net/veth1a2b/statistics/tx_bytes': '42\n',
      '/host/sys/class/net/tun0/operstate': 'unknown\n',
      '/host/sys/class/net/lo/operstate': 'unknown\n',
    });
    const interfaces = await collectInterfaces(fs, '/host/sys');
    expect(interfaces.map((i) => [i.name, i.is_up, i.tx_bytes])).toEqual([
      ['docker0', false, 0],
      ['tun0', false, 0],
      ['veth1a2b', true, 42],
    ]);
  });

  it('gives [] when the directory cannot be listed (or on another platform)', async () => {
    await expect(collectInterfaces(fixtureFs({}))).resolves.toEqual([]);
  });
});
