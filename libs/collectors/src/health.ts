import type { HealthMetric } from '@lib/wire-format';
import type { CommandRunner } from './command-runner';
import type { HealthTargets } from './gateway-dns';
import { parseDecimal } from './parse-number';

/** One probe: the average RTT in ms (null without replies) and the loss in percent. */
export interface PingResult {
  rttMs: number | null;
  lossPct: number;
}

const FAILED: PingResult = { rttMs: null, lossPct: 100 };

/** The average of the `min/avg/max` line (`rtt min/avg/max/mdev = 0.1/0.2/0.3/0.0 ms`), or null. */
function parseAverage(lines: string[]): number | null {
  const line = lines.find((l) => l.includes('min/avg/max'));
  const stats = line?.split('=')[1];
  return parseDecimal(stats?.trim().split('/')[1]?.trim());
}

/** The loss of the `packet loss` line: the first `N%` token, else the number before `%` in a `,` segment. */
function parseLoss(lines: string[]): number {
  const line = lines.find((l) => l.includes('packet loss') || l.includes('% loss'));
  if (line === undefined) {
    return 100;
  }
  for (const token of line.trim().split(/\s+/)) {
    const value = token.endsWith('%') ? parseDecimal(token.slice(0, -1)) : null;
    if (value !== null) {
      return Math.min(100, value);
    }
  }
  const segment = line.split(',').find((s) => s.includes('%'));
  const word = segment?.split('%')[0].trim().split(/\s+/).at(-1)?.replace(/^\(+/, '');
  return Math.min(100, parseDecimal(word) ?? 100);
}

/** RTT and loss from `ping` output (spec §3.8). Output without statistics (no replies, garbage) is 100 % loss. */
export function parsePing(text: string): PingResult {
  const lines = text.split('\n');
  return { rttMs: parseAverage(lines), lossPct: parseLoss(lines) };
}

/** Runs `ping -c 3 -W 1 <target>` (5 s timeout). A ping that could not run counts as 100 % loss. */
export async function runPing(commands: CommandRunner, target: string): Promise<PingResult> {
  // the target is an argument, never a shell word, but `-f` would still be read as an option
  if (target === '' || target.startsWith('-')) {
    return FAILED;
  }
  const result = await commands.run('ping', ['-c', '3', '-W', '1', target], { timeoutMs: 5000 });
  // ping exits 1 on full loss and 2 on errors; only a missing binary or a kill (timeout) has no exit code
  if (result.missing || result.code === null) {
    return FAILED;
  }
  return parsePing(result.stdout);
}

/** The last `capacity` probe results in ms, oldest first; `null` keeps a failed probe visible as a gap. */
export class RttHistory {
  private readonly samples: (number | null)[] = [];

  constructor(private readonly capacity = 60) {}

  push(rttMs: number | null): void {
    this.samples.push(rttMs);
    if (this.samples.length > this.capacity) {
      this.samples.splice(0, this.samples.length - this.capacity);
    }
  }

  /** A copy, safe to put into a payload. */
  values(): (number | null)[] {
    return [...this.samples];
  }
}

/**
 * Gateway and DNS health (spec §3.8). The targets are fixed at construction (detected or configured, see
 * `detectHealthTargets`); the RTT histories live here, one push per target per probe.
 */
export class HealthCollector {
  private readonly gatewayHistory = new RttHistory();
  private readonly dnsHistory = new RttHistory();

  constructor(
    private readonly targets: HealthTargets,
    private readonly commands: CommandRunner,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  /** Probes both targets concurrently. Null on platforms other than Linux. */
  async probe(): Promise<HealthMetric | null> {
    if (this.platform !== 'linux') {
      return null;
    }
    const probe = async (target: string | null) => (target === null ? null : runPing(this.commands, target));
    const [gateway, dns] = await Promise.all([probe(this.targets.gateway), probe(this.targets.dnsServer)]);
    // an unknown target still gets a push, so both histories stay aligned in time
    this.gatewayHistory.push(gateway?.rttMs ?? null);
    this.dnsHistory.push(dns?.rttMs ?? null);
    return {
      gateway_ip: this.targets.gateway,
      gateway_rtt_ms: gateway?.rttMs ?? null,
      gateway_loss_pct: gateway?.lossPct ?? null,
      dns_ip: this.targets.dnsServer,
      dns_rtt_ms: dns?.rttMs ?? null,
      dns_loss_pct: dns?.lossPct ?? null,
      gateway_rtt_history: this.gatewayHistory.values(),
      dns_rtt_history: this.dnsHistory.values(),
    };
  }
}
