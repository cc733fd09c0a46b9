import { AgentHealth, serializeSnapshot } from '@lib/wire-format';
import { AgentEnv, AgentEnvError } from './config/env';
import { requireUplink } from './config/uplink';
import { agentLogger } from './log';
import { AGENT_VERSION } from './once.command';
import { HostSampler } from './host-sampler';
import { SendQueue } from './send-queue';
import { LiveSettings, settingsChange } from './server-settings';
import { ServerSettings } from './uplink.messages';
import { Uplink } from './uplink.service';

/** Exit status when the server said never to come back; the systemd unit does not restart on it. */
export const EXIT_REFUSED = 3;
/** Shutdown keeps sending for at most this long (wire-format.md §5.6). */
const DRAIN_MS = 5000;
/** Rates need two samples: the first real snapshot follows the priming one after this. */
const PRIMING_MS = 1000;

/**
 * `run` (the default command): collection on its own timer into the bounded queue, the WebSocket uplink
 * draining it, and a clean stop on SIGTERM/SIGINT. Resolves with the process's exit status.
 */
export class RunCommand {
  private readonly logger = agentLogger('Agent');
  private timer: NodeJS.Timeout | null = null;
  /** The env's values until the server sends its own. */
  private readonly live: LiveSettings;
  private collecting = false;
  private primed = false;
  private stopping = false;
  private health: Pick<AgentHealth, 'collectors_ok' | 'packet_capture'> = {
    collectors_ok: true,
    packet_capture: 'off',
  };

  constructor(
    private readonly env: AgentEnv,
    private readonly sampler: HostSampler,
  ) {
    this.live = {
      intervalSecs: env.intervalSecs,
      healthIntervalSecs: env.healthIntervalSecs,
      bandwidthAlertBytesPerSec: env.bandwidthAlertBytesPerSec,
    };
  }

  async run(): Promise<number> {
    if (this.env.transport === 'http') {
      // refused rather than silently sending over WebSocket to a server the operator chose HTTP for
      throw new AgentEnvError(['INGEST_TRANSPORT=http is not available in this agent yet: use ws (the default)']);
    }
    const { gatewayUrl, key, warnings } = requireUplink(this.env);
    warnings.forEach((warning) => this.logger.warn(warning));
    const queue = new SendQueue(this.env.queueMax);
    let finish: (code: number) => void = () => undefined;
    const finished = new Promise<number>((resolve) => (finish = resolve));
    const uplink = new Uplink({
      url: gatewayUrl,
      key,
      agentVersion: AGENT_VERSION,
      batchMax: this.env.batchMax,
      queue,
      hostInfo: async () => this.sampler.hostInfo(),
      health: () => this.health,
      settings: (settings) => this.apply(settings, () => this.arm(queue, uplink)),
      reportNow: () => this.collect(queue, uplink),
      fatal: (line) => {
        this.logger.error(`${line}; stopping`);
        this.stopTimer();
        finish(EXIT_REFUSED);
      },
    });

    const onSignal = (signal: NodeJS.Signals): void => {
      if (this.stopping) {
        return;
      }
      this.stopping = true;
      this.logger.log(`${signal}: stopping collection, sending what is queued`);
      this.stopTimer();
      uplink
        .drain(Date.now() + DRAIN_MS)
        .then(async () => {
          if (queue.depth > 0) {
            this.logger.warn(`${queue.depth} snapshot(s) not sent before shutdown: lost`);
          }
          await uplink.stop(`shutdown (${signal})`);
        })
        .then(
          () => finish(0),
          () => finish(0),
        );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    try {
      this.logger.log(`${AGENT_VERSION} starting: every ${this.live.intervalSecs} s to ${gatewayUrl}`);
      uplink.start();
      // the priming sample holds the same guard as a cycle: two collections must never interleave on the thread
      this.collecting = true;
      await this.sampler.collect(true).finally(() => (this.collecting = false));
      if (!this.stopping) {
        this.timer = setTimeout(() => this.tick(queue, uplink), PRIMING_MS);
      }
      return await finished;
    } finally {
      this.stopTimer();
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      await uplink.stop('stopped');
    }
  }

  private tick(queue: SendQueue, uplink: Uplink): void {
    this.primed = true;
    this.collect(queue, uplink);
    this.arm(queue, uplink);
  }

  private arm(queue: SendQueue, uplink: Uplink): void {
    this.stopTimer();
    if (!this.stopping) {
      this.timer = setTimeout(() => this.tick(queue, uplink), this.live.intervalSecs * 1000);
    }
  }

  private stopTimer(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }

  /** One cycle on the collection thread, queued when done; a cycle still running makes a second one pointless. */
  private collect(queue: SendQueue, uplink: Uplink): void {
    if (this.collecting || this.stopping) {
      return;
    }
    this.collecting = true;
    this.sampler
      .collect()
      .then(
        ({ snapshot, collectorsOk, packetCapture }) => {
          this.health = { collectors_ok: collectorsOk, packet_capture: packetCapture };
          if (!this.stopping) {
            queue.push(serializeSnapshot(snapshot));
            uplink.wake();
          }
        },
        (error: unknown) => this.logger.error(`collection failed: ${String((error as Error)?.message ?? error)}`),
      )
      .finally(() => (this.collecting = false));
  }

  /**
   * Server settings (welcome, settings_update), applied live: the interval re-arms the timer, the health interval
   * and the bandwidth threshold go to the collection thread. A welcome repeats them on every reconnect; only
   * values that change anything are applied (and logged).
   */
  private apply(settings: ServerSettings, rearm: () => void): void {
    const { changes, ignored } = settingsChange(settings, this.live);
    ignored.forEach((line) => this.logger.warn(line));
    Object.assign(this.live, changes);
    const { intervalSecs, ...thread } = changes;
    if (intervalSecs !== undefined) {
      this.logger.log(`interval now ${intervalSecs} s (server setting)`);
      // before the first real cycle the priming timer is still pending; it arms the new interval itself
      if (this.timer !== null && this.primed) {
        rearm();
      }
    }
    if (thread.healthIntervalSecs !== undefined) {
      this.logger.log(`health checks now every ${thread.healthIntervalSecs} s (server setting)`);
    }
    if (thread.bandwidthAlertBytesPerSec !== undefined) {
      this.logger.log(`bandwidth alert threshold now ${thread.bandwidthAlertBytesPerSec} B/s (server setting)`);
    }
    if (Object.keys(thread).length > 0) {
      this.sampler
        .reconfigure(thread)
        .catch((error: unknown) =>
          this.logger.error(`collection thread not reconfigured: ${String((error as Error)?.message ?? error)}`),
        );
    }
  }
}
