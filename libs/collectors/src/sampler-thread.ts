import type { HostInfo } from '@lib/wire-format';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LiveSamplerSettings, Sample, SamplerOptions } from './sampler';
import type { SamplerReply, SamplerRequest } from './sampler.worker';

/**
 * The compiled worker beside this file. Run from the TypeScript sources (Jest), there is none: the build's copy
 * under dist/ is used instead (Jest's globalSetup builds it), since a worker thread cannot load .ts by itself.
 */
function workerFile(): string {
  const beside = join(__dirname, 'sampler.worker.js');
  return existsSync(beside) ? beside : resolve(__dirname, '../../../dist/libs/collectors/src/sampler.worker.js');
}

/** A Sampler on its own thread (sampler.worker.ts): the same calls, over messages. */
export class SamplerThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 0;

  /** `warn` receives the Sampler's collector-failure lines (on this thread, for the caller's logger). */
  constructor(options: SamplerOptions, warn: (line: string) => void = (line) => console.warn(line)) {
    this.worker = new Worker(workerFile(), { workerData: { ...options } });
    this.worker.on('message', (reply: SamplerReply) => {
      if ('warn' in reply) {
        warn(reply.warn);
        return;
      }
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) {
        waiting?.resolve(reply.value);
      } else {
        waiting?.reject(new Error(reply.error));
      }
    });
    this.worker.on('error', (error) => this.failAll(error));
    this.worker.on('exit', (code) => this.failAll(new Error(`collection thread exited (${code})`)));
  }

  /** `skipHealth`: a priming sample (rates need two) must not use up the health probe. */
  async collect(skipHealth = false): Promise<Sample> {
    return (await this.call({ op: 'collect', skipHealth })) as Sample;
  }

  async hostInfo(): Promise<HostInfo> {
    return (await this.call({ op: 'hostInfo' })) as HostInfo;
  }

  /**
   * New settings for the running thread (a server's `settings_update`), applied from its next cycle on; resolves
   * once the thread has them. The values must already be within the agent's bounds.
   */
  async reconfigure(settings: LiveSamplerSettings): Promise<void> {
    await this.call({ op: 'reconfigure', settings });
  }

  /** Stops the capture and helper shells, then the thread. */
  async stop(): Promise<void> {
    await this.call({ op: 'stop' }).catch(() => undefined);
    await this.worker.terminate();
  }

  private async call(request: Omit<SamplerRequest, 'id'>): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id } satisfies SamplerRequest);
    });
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) {
      waiting.reject(error);
    }
    this.pending.clear();
  }
}
