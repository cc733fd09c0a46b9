// Runs the Sampler on a worker thread, so parsing, GC of the parsed rows and /proc reads (milliseconds here,
// tens of them on a host with thousands of sockets) never hold the main event loop, which has an uplink or an
// HTTP server to keep responsive (collectors.md §1.3: at most 5 ms). Costs about 1-2 ms of CPU per cycle.
import { parentPort, workerData } from 'node:worker_threads';
import { LiveSamplerSettings, Sampler, SamplerOptions } from './sampler';

export interface SamplerRequest {
  id: number;
  op: 'collect' | 'hostInfo' | 'reconfigure' | 'stop';
  skipHealth?: boolean;
  /** For `reconfigure`. */
  settings?: LiveSamplerSettings;
}

/** Answers carry the request id; `warn` lines are the Sampler's, for the main thread's logger. */
export type SamplerReply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string } | { warn: string };

const sampler = new Sampler(workerData as SamplerOptions, undefined, undefined, (line) =>
  parentPort?.postMessage({ warn: line } satisfies SamplerReply),
);

parentPort?.on('message', (request: SamplerRequest) => {
  const run = async (): Promise<unknown> => {
    switch (request.op) {
      case 'collect':
        return sampler.collect(performance.now(), request.skipHealth === true);
      case 'hostInfo':
        return sampler.hostInfo();
      case 'reconfigure':
        return sampler.reconfigure(request.settings ?? {});
      case 'stop':
        return sampler.stop();
    }
  };
  run().then(
    (value) => parentPort?.postMessage({ id: request.id, ok: true, value } satisfies SamplerReply),
    (error: unknown) =>
      parentPort?.postMessage({ id: request.id, ok: false, error: String((error as Error)?.message ?? error) }),
  );
});
