import { FakeChild, fakeSpawner } from '../../test/fixtures/network-intel/fake-child';
import { readPcapFixture } from '../../test/fixtures/network-intel/frames';
import type { CaptureEvent } from '../network-intel/events';
import { type ChildExit, hostSpawner } from './spawner';
import { CAPTURE_FILTER, TcpdumpSource } from './tcpdump-source';

const fixture = readPcapFixture('ethernet-ipv4');

describe(TcpdumpSource.name, () => {
  it('runs tcpdump on the interface with the reference filter, packet-buffered pcap on stdout', async () => {
    const { spawner, calls } = fakeSpawner(new FakeChild(), (c) => c.err('tcpdump: listening on eth0\n'));
    const source = new TcpdumpSource({ iface: 'eth0', spawner });
    await source.start(() => undefined);
    expect(calls).toEqual([['tcpdump', ['-i', 'eth0', '-U', '-s', '512', '-w', '-', CAPTURE_FILTER]]]);
    expect(CAPTURE_FILTER).toBe(
      '(tcp and tcp[tcpflags] & tcp-syn != 0 and tcp[tcpflags] & tcp-ack = 0) or (udp and port 53)',
    );
    await source.stop();
  });

  it('is active once the pcap header arrives, delivers events and kills tcpdump on stop', async () => {
    const child = new FakeChild();
    const { spawner } = fakeSpawner(child, (c) => c.out(fixture.subarray(0, 24)));
    const source = new TcpdumpSource({ iface: 'eth0', spawner, startTimeoutMs: 60_000 });
    const events: CaptureEvent[] = [];
    await expect(source.start((event) => events.push(event))).resolves.toBe('active');
    child.out(fixture.subarray(24, 100));
    child.out(fixture.subarray(100));
    expect(events).toHaveLength(6);
    expect(events[0]).toEqual({ kind: 'conn', srcIp: '192.168.1.10', dstIp: '93.184.215.14', dstPort: 443 });

    await source.stop();
    expect(child.kills).toBe(1);
    expect(source.state).toBe('off');
    child.out(fixture.subarray(24));
    expect(events).toHaveLength(6);
  });

  it('is active once tcpdump says it is listening', async () => {
    const { spawner } = fakeSpawner(new FakeChild(), (c) =>
      c.err('tcpdump: listening on eth0, link-type EN10MB (Ethernet), snapshot length 512 bytes\n'),
    );
    const source = new TcpdumpSource({ iface: 'eth0', spawner, startTimeoutMs: 60_000 });
    await expect(source.start(() => undefined)).resolves.toBe('active');
    await source.stop();
  });

  it('counts a silent but running tcpdump as active after the start timeout', async () => {
    const { spawner } = fakeSpawner(new FakeChild());
    const source = new TcpdumpSource({ iface: 'eth0', spawner, startTimeoutMs: 5 });
    await expect(source.start(() => undefined)).resolves.toBe('active');
    await source.stop();
  });

  it('is unavailable, without throwing, when tcpdump is not installed', async () => {
    const log = jest.fn();
    const { spawner } = fakeSpawner(new FakeChild(), (c) => c.exit({ code: null, signal: null, error: 'ENOENT' }));
    const source = new TcpdumpSource({ iface: 'eth0', spawner, log, startTimeoutMs: 60_000 });
    await expect(source.start(() => undefined)).resolves.toBe('unavailable');
    expect(source.reason).toBe('tcpdump is not installed');
    expect(log).toHaveBeenCalledWith(
      'packet capture unavailable, only the bandwidth detector runs: tcpdump is not installed',
    );
    await source.stop();
  });

  it('is unavailable when tcpdump may not capture (no CAP_NET_RAW)', async () => {
    const { spawner } = fakeSpawner(new FakeChild(), (c) => {
      c.err("tcpdump: eth0: You don't have permission to capture on that device\n");
      c.err('(socket: Operation not permitted)\n');
      c.exit({ code: 1, signal: null, error: null });
    });
    const source = new TcpdumpSource({ iface: 'eth0', spawner, startTimeoutMs: 60_000 });
    await expect(source.start(() => undefined)).resolves.toBe('unavailable');
    expect(source.reason).toBe('tcpdump exited (code 1): (socket: Operation not permitted)');
  });

  it('becomes unavailable when a running capture dies', async () => {
    const child = new FakeChild();
    const log = jest.fn();
    const { spawner } = fakeSpawner(child, (c) => c.out(fixture.subarray(0, 24)));
    const source = new TcpdumpSource({ iface: 'eth0', spawner, log });
    await source.start(() => undefined);
    child.exit({ code: null, signal: 'SIGKILL', error: null });
    await Promise.resolve();
    expect(source.state).toBe('unavailable');
    expect(log).toHaveBeenCalledWith(
      'packet capture unavailable, only the bandwidth detector runs: tcpdump exited (signal SIGKILL)',
    );
  });

  it('kills tcpdump and becomes unavailable when its output is not pcap', async () => {
    const child = new FakeChild();
    const { spawner } = fakeSpawner(child, (c) => c.out(Buffer.from('01:02:03.000 IP a > b: Flags [S]\n')));
    const source = new TcpdumpSource({ iface: 'eth0', spawner, startTimeoutMs: 60_000 });
    await expect(source.start(() => undefined)).resolves.toBe('unavailable');
    expect(child.kills).toBe(1);
    expect(source.reason).toMatch(/^unreadable tcpdump output: not a pcap stream/);
  });

  it('does not wait forever for a tcpdump that ignores the signal', async () => {
    const child = new FakeChild(false);
    const { spawner } = fakeSpawner(child, (c) => c.out(fixture.subarray(0, 24)));
    const source = new TcpdumpSource({ iface: 'eth0', spawner });
    await source.start(() => undefined);
    jest.useFakeTimers();
    const stopped = source.stop();
    await jest.advanceTimersByTimeAsync(2000);
    await expect(stopped).resolves.toBeUndefined();
    jest.useRealTimers();
    expect(child.kills).toBe(1);
  });

  it('stops quietly when it never started', async () => {
    await expect(new TcpdumpSource({ iface: 'eth0' }).stop()).resolves.toBeUndefined();
  });
});

describe('hostSpawner', () => {
  it('reports a missing program through onExit', async () => {
    const child = hostSpawner('watchtower-no-such-program', []);
    await expect(new Promise<ChildExit>((resolve) => child.onExit(resolve))).resolves.toEqual({
      code: null,
      signal: null,
      error: 'ENOENT',
    });
  });

  it('streams output and kills the child', async () => {
    const script = "process.stdout.write('pcap'); process.stderr.write('listening on'); setInterval(() => {}, 1000)";
    const child = hostSpawner(process.execPath, ['-e', script]);
    const exit = new Promise<ChildExit>((resolve) => child.onExit(resolve));
    const stdout = new Promise<string>((resolve) => child.onStdout((chunk) => resolve(chunk.toString())));
    const stderr = new Promise<string>((resolve) => child.onStderr((chunk) => resolve(chunk.toString())));
    await expect(stdout).resolves.toBe('pcap');
    await expect(stderr).resolves.toBe('listening on');
    child.kill();
    await expect(exit).resolves.toEqual({ code: null, signal: 'SIGTERM', error: null });
    const late = jest.fn();
    child.onExit(late);
    expect(late).toHaveBeenCalledWith({ code: null, signal: 'SIGTERM', error: null });
  });
});
