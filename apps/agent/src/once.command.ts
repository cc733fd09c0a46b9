import { releaseVersion } from '@lib/release';
import { IngestRequest, serializeIngestRequest } from '@lib/wire-format';
import { HostSampler } from './host-sampler';

export const AGENT_VERSION = `watchtower-agent/${releaseVersion()}`;
/** Rates and process bandwidth are differences: one priming sample, then the one reported. */
const PRIMING_MS = 1000;

/** `once --json`: one IngestRequest for this machine, as the agent would send it. */
export class OnceCommand {
  constructor(private readonly sampler: HostSampler) {}

  async run(): Promise<string> {
    await this.sampler.collect(true);
    await new Promise((resolve) => setTimeout(resolve, PRIMING_MS));
    const { snapshot, collectorsOk, packetCapture } = await this.sampler.collect();
    const request: IngestRequest = {
      schema_version: 1,
      agent_version: AGENT_VERSION,
      host: await this.sampler.hostInfo(),
      snapshots: [snapshot],
      agent_health: { collectors_ok: collectorsOk, dropped_count: 0, queue_depth: 0, packet_capture: packetCapture },
    };
    return serializeIngestRequest(request);
  }
}
