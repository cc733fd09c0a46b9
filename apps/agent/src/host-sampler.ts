import { LiveSamplerSettings, Sample, Sampler } from '@lib/collectors';
import type { HostInfo } from '@lib/wire-format';
import { AgentEnv } from './config/env';
import { agentLogger } from './log';

const logger = agentLogger('Sampler');

/**
 * The agent's collection: the Sampler of `libs/collectors` on the agent's own event loop. Not on a worker
 * thread, as the API's embedded mode runs it: a thread is a second V8 isolate, 12 MB of the agent's 50 MB
 * budget, and the Sampler paces its long loops (Pacer), so a busy host's socket table does not hold the
 * uplink for more than a few ms (collectors.md §1.3; bench agent-cost measures it on 20,000 sockets).
 */
export class HostSampler {
  private readonly sampler: Sampler;

  constructor(env: AgentEnv) {
    this.sampler = new Sampler(env, undefined, undefined, (line) => logger.warn(line));
  }

  /** `skipHealth`: a priming sample (rates need two) must not use up the health probe. */
  async collect(skipHealth = false): Promise<Sample> {
    return this.sampler.collect(performance.now(), skipHealth);
  }

  async hostInfo(): Promise<HostInfo> {
    return this.sampler.hostInfo();
  }

  /** A server's `settings_update`, from the next cycle on; the values are already within the agent's bounds. */
  async reconfigure(settings: LiveSamplerSettings): Promise<void> {
    this.sampler.reconfigure(settings);
  }

  /** Stops the capture and the helper shells. */
  async stop(): Promise<void> {
    await this.sampler.stop();
  }
}
