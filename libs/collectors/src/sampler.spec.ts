import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureCommands } from './command-runner';
import { fixtureFs } from './proc-fs';
import { Sampler, SamplerOptions } from './sampler';

const OPTIONS: SamplerOptions = {
  interfaces: [],
  gateway: '192.0.2.1',
  dnsServer: '127.0.0.1',
  healthIntervalSecs: 30,
  bandwidthAlertBytesPerSec: 100_000_000,
  packetCapture: false,
  captureInterface: 'auto',
  hostname: null,
  os: null,
  hostIdFile: '/nonexistent/host-id',
  procRoot: '/proc',
  sysRoot: '/sys',
  etcRoot: '/etc',
  hostRoot: '/',
};

const PING = readFileSync(join(__dirname, '../test/fixtures/health/ping-loopback.txt'), 'utf8');

/** A Sampler over one interface, eth0, whose rx counter the test moves; every other file is missing. */
function sampler() {
  const files: Record<string, string> = { '/sys/class/net/eth0/operstate': 'up\n' };
  const commands = fixtureCommands({ 'ping -c 3 -W 1 192.0.2.1': PING, 'ping -c 3 -W 1 127.0.0.1': PING });
  const subject = new Sampler(OPTIONS, fixtureFs(files), commands, () => undefined);
  let rxBytes = 0;
  /** One cycle at `secs`, after eth0 received `rate` bytes per second since the previous one. */
  const cycle = async (secs: number, rate = 0, previousSecs = 0) => {
    rxBytes += rate * (secs - previousSecs);
    files['/sys/class/net/eth0/statistics/rx_bytes'] = `${rxBytes}\n`;
    return (await subject.collect(secs * 1000)).snapshot;
  };
  return { subject, cycle };
}

describe(Sampler.name, () => {
  // health is null on other platforms, whatever the cadence
  const linux = process.platform === 'linux' ? it : it.skip;

  linux('probes health on the new cadence once reconfigured, counting from the last probe', async () => {
    const { subject, cycle } = sampler();
    expect((await cycle(0)).health).not.toBeNull();
    expect((await cycle(20)).health).toBeNull();
    subject.reconfigure({ healthIntervalSecs: 15 });
    expect((await cycle(20)).health).not.toBeNull();
    expect((await cycle(30)).health).toBeNull();
    expect((await cycle(35)).health).not.toBeNull();
    subject.reconfigure({ healthIntervalSecs: 3600 });
    expect((await cycle(100)).health).toBeNull();
    await subject.stop();
  });

  it('alerts on a lowered bandwidth threshold where the old one let the same rate pass', async () => {
    const { subject, cycle } = sampler();
    await cycle(0);
    expect((await cycle(15, 5000, 0)).alerts).toBeUndefined();
    expect((await cycle(30, 5000, 15)).alerts).toBeUndefined();
    subject.reconfigure({ bandwidthAlertBytesPerSec: 1000 });
    expect((await cycle(45, 5000, 30)).alerts).toBeUndefined();
    const alerts = (await cycle(60, 5000, 45)).alerts;
    expect(alerts?.map((a) => [a.category, a.message])).toEqual([['bandwidth', 'eth0: bandwidth threshold exceeded']]);
    await subject.stop();
  });

  linux('keeps what a reconfigure leaves out', async () => {
    const { subject, cycle } = sampler();
    await cycle(0);
    subject.reconfigure({ bandwidthAlertBytesPerSec: 1000 });
    // the health interval is still 30 s
    expect((await cycle(20)).health).toBeNull();
    subject.reconfigure({ healthIntervalSecs: 15 });
    await cycle(35, 5000, 20);
    expect((await cycle(50, 5000, 35)).alerts?.map((a) => a.category)).toEqual(['bandwidth']);
    await subject.stop();
  });
});
