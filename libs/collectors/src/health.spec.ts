import { validateSnapshot } from '@lib/wire-format';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CommandRunner, fixtureCommands, hostCommands } from './command-runner';
import { HealthCollector, parsePing, RttHistory, runPing } from './health';

const fixture = (name: string): string => readFileSync(join(__dirname, '../test/fixtures/health', name), 'utf8');

// fixture tests name documentation and loopback addresses; the one live test pings 127.0.0.1 only
const GATEWAY = '192.0.2.1';
const DNS = '127.0.0.1';
const ping = (target: string) => `ping -c 3 -W 1 ${target}`;

describe('parsePing', () => {
  it('reads the average RTT and the loss of iputils output', () => {
    expect(parsePing(fixture('ping-loopback.txt'))).toEqual({ rttMs: 0.043, lossPct: 0 });
    expect(parsePing(fixture('ping-partial-loss.txt'))).toEqual({ rttMs: 0.405, lossPct: 33.3333 });
  });

  it('has no RTT and 100 % loss when nothing answered', () => {
    expect(parsePing(fixture('ping-total-loss.txt'))).toEqual({ rttMs: null, lossPct: 100 });
    expect(parsePing(fixture('ping-unreachable.txt'))).toEqual({ rttMs: null, lossPct: 100 });
  });

  it('reads busybox output, whose statistics line has no rtt prefix', () => {
    expect(parsePing(fixture('ping-busybox.txt'))).toEqual({ rttMs: 0.072, lossPct: 0 });
  });

  it('falls back to the number before % in a comma-separated segment', () => {
    expect(parsePing('3 packets transmitted, 2 received, (33.3% loss)\n').lossPct).toBe(33.3);
  });

  it('reads garbage, empty output and unparseable statistics as no RTT and, without a loss figure, 100 %', () => {
    expect(parsePing('')).toEqual({ rttMs: null, lossPct: 100 });
    expect(parsePing('ping: unknown host\n')).toEqual({ rttMs: null, lossPct: 100 });
    expect(parsePing('rtt min/avg/max/mdev 0.1/0.2/0.3/0.0 ms\n0% packet loss\n')).toEqual({ rttMs: null, lossPct: 0 });
    expect(parsePing('rtt min/avg/max/mdev = 1/inf/3/0 ms\nx% packet loss\n')).toEqual({ rttMs: null, lossPct: 100 });
  });

  it('never throws; RTT is absent or finite and non-negative, loss within [0, 100]', () => {
    const line = fc.oneof(
      fc.string(),
      fc.constantFrom('rtt min/avg/max/mdev = ', '/', '% packet loss', '% loss', ', ', ' = ', '(', '1e309', '-1'),
      fc.double().map(String),
    );
    fc.assert(
      fc.property(fc.array(line), (parts) => {
        for (const text of [parts.join(''), parts.join('\n')]) {
          const { rttMs, lossPct } = parsePing(text);
          expect(rttMs === null || (Number.isFinite(rttMs) && rttMs >= 0)).toBe(true);
          expect(Number.isFinite(lossPct) && lossPct >= 0 && lossPct <= 100).toBe(true);
        }
      }),
    );
  });
});

describe('runPing', () => {
  it('parses the output even when ping exits 1 on total loss', async () => {
    const commands = fixtureCommands({
      [ping(DNS)]: fixture('ping-loopback.txt'),
      [ping(GATEWAY)]: { code: 1, stdout: fixture('ping-total-loss.txt') },
    });
    expect(await runPing(commands, DNS)).toEqual({ rttMs: 0.043, lossPct: 0 });
    expect(await runPing(commands, GATEWAY)).toEqual({ rttMs: null, lossPct: 100 });
  });

  it('counts a missing binary, a timeout and an option-like target as a failed probe', async () => {
    const calls: string[] = [];
    const commands: CommandRunner = {
      run: async (command, args, options) => {
        calls.push([command, ...args].join(' '));
        expect(options?.timeoutMs).toBe(5000);
        return fixtureCommands({ [ping(DNS)]: { code: null, stdout: 'PING 127.0.0.1 (127.0.0.1)' } }).run(
          command,
          args,
        );
      },
    };
    expect(await runPing(commands, DNS)).toEqual({ rttMs: null, lossPct: 100 });
    expect(await runPing(commands, GATEWAY)).toEqual({ rttMs: null, lossPct: 100 });
    expect(await runPing(commands, '-f')).toEqual({ rttMs: null, lossPct: 100 });
    expect(calls).toEqual([ping(DNS), ping(GATEWAY)]);
  });

  (process.platform === 'linux' ? it : it.skip)(
    'pings loopback with the real binary, or fails cleanly (live)',
    async () => {
      // loopback only: a live test never sends traffic to the host's real gateway or DNS server
      const result = await runPing(hostCommands, '127.0.0.1');
      if (result.lossPct <= 50) {
        expect(result.rttMs).toBeGreaterThanOrEqual(0);
      } else {
        // ping missing (as on the machine the fixtures were captured on) or not permitted
        expect(result).toEqual({ rttMs: null, lossPct: 100 });
      }
    },
  );
});

describe(RttHistory.name, () => {
  it('keeps the last 60 values oldest first, nulls included, and hands out copies', () => {
    const history = new RttHistory();
    for (let i = 0; i < 65; i++) {
      history.push(i % 10 === 0 ? null : i);
    }
    const values = history.values();
    expect(values).toHaveLength(60);
    expect(values[0]).toBe(5);
    expect(values[5]).toBeNull();
    expect(values.at(-1)).toBe(64);
    values.push(1);
    expect(history.values()).toHaveLength(60);
  });
});

describe(HealthCollector.name, () => {
  it('probes both targets concurrently and reports RTT, loss and histories', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const canned = fixtureCommands({
      [ping(GATEWAY)]: fixture('ping-partial-loss.txt'),
      [ping(DNS)]: fixture('ping-loopback.txt'),
    });
    const commands: CommandRunner = {
      run: async (command, args, options) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return canned.run(command, args, options);
      },
    };

    const health = new HealthCollector({ gateway: GATEWAY, dnsServer: DNS }, commands, 'linux');
    expect(await health.probe()).toEqual({
      gateway_ip: GATEWAY,
      gateway_rtt_ms: 0.405,
      gateway_loss_pct: 33.3333,
      dns_ip: DNS,
      dns_rtt_ms: 0.043,
      dns_loss_pct: 0,
      gateway_rtt_history: [0.405],
      dns_rtt_history: [0.043],
    });
    expect(maxInFlight).toBe(2);
  });

  it('keeps failed probes as gaps in the history', async () => {
    const outputs: Record<string, string | null | { code: number; stdout: string }> = {
      [ping(GATEWAY)]: fixture('ping-loopback.txt'),
    };
    const health = new HealthCollector({ gateway: GATEWAY, dnsServer: null }, fixtureCommands(outputs), 'linux');
    await health.probe();
    outputs[ping(GATEWAY)] = { code: 1, stdout: fixture('ping-total-loss.txt') };
    const lost = await health.probe();
    expect(lost).toMatchObject({ gateway_rtt_ms: null, gateway_loss_pct: 100 });
    outputs[ping(GATEWAY)] = null;
    await health.probe();
    outputs[ping(GATEWAY)] = fixture('ping-partial-loss.txt');
    const back = await health.probe();

    expect(back?.gateway_rtt_history).toEqual([0.043, null, null, 0.405]);
  });

  it('never probes an unknown target, but still pushes a gap so histories stay aligned', async () => {
    const calls: string[] = [];
    const commands: CommandRunner = {
      run: async (command, args) => {
        calls.push([command, ...args].join(' '));
        return fixtureCommands({ [ping(DNS)]: fixture('ping-loopback.txt') }).run(command, args);
      },
    };
    const health = new HealthCollector({ gateway: null, dnsServer: DNS }, commands, 'linux');
    await health.probe();
    expect(await health.probe()).toEqual({
      gateway_ip: null,
      gateway_rtt_ms: null,
      gateway_loss_pct: null,
      dns_ip: DNS,
      dns_rtt_ms: 0.043,
      dns_loss_pct: 0,
      gateway_rtt_history: [null, null],
      dns_rtt_history: [0.043, 0.043],
    });
    expect(calls).toEqual([ping(DNS), ping(DNS)]);
  });

  it('caps both histories at 60 probes', async () => {
    const commands = fixtureCommands({ [ping(DNS)]: fixture('ping-loopback.txt') });
    const health = new HealthCollector({ gateway: null, dnsServer: DNS }, commands, 'linux');
    let metric = await health.probe();
    for (let i = 0; i < 64; i++) {
      metric = await health.probe();
    }
    expect(metric?.dns_rtt_history).toHaveLength(60);
    expect(metric?.gateway_rtt_history).toHaveLength(60);
  });

  it('emits a wire-valid metric whatever ping prints or however it ends', async () => {
    const outcome = fc.oneof(
      fc.constant(null),
      fc.string(),
      fc.constantFrom(fixture('ping-loopback.txt'), fixture('ping-partial-loss.txt')),
      fc.record({ code: fc.option(fc.nat(3), { nil: null }), stdout: fc.string() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(outcome, outcome), { minLength: 1, maxLength: 5 }), async (ticks) => {
        const outputs: Parameters<typeof fixtureCommands>[0] = {};
        const health = new HealthCollector({ gateway: GATEWAY, dnsServer: DNS }, fixtureCommands(outputs), 'linux');
        for (const [i, [gateway, dns]] of ticks.entries()) {
          outputs[ping(GATEWAY)] = gateway;
          outputs[ping(DNS)] = dns;
          const metric = await health.probe();
          expect(
            validateSnapshot({ timestamp: '2026-11-22T00:14:54.715Z', interfaces: [], health: metric }),
          ).toMatchObject({ ok: true });
          expect(metric?.gateway_rtt_history).toHaveLength(i + 1);
          expect(metric?.dns_rtt_history).toHaveLength(i + 1);
        }
      }),
    );
  });

  it('is null on platforms other than Linux', async () => {
    const health = new HealthCollector({ gateway: GATEWAY, dnsServer: DNS }, fixtureCommands({}), 'win32');
    expect(await health.probe()).toBeNull();
  });
});
