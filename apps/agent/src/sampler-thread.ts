import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { HostInfo } from '@lib/wire-format';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { AgentEnv } from './config/env';
import type { Sample } from './sampler.service';
import type { SamplerReply, SamplerRequest } from './sampler.worker';

/** The agent's handle on its collection thread (sampler.worker.ts): the same calls as Sampler, over messages. */
@Injectable()
export class SamplerThread implements OnModuleDestroy {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 0;

  constructor(env: AgentEnv) {
    this.worker = new Worker(join(__dirname, 'sampler.worker.js'), { workerData: { ...env } });
    this.worker.on('message', (reply: SamplerReply) => {
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

  async collect(skipHealth = false): Promise<Sample> {
    return (await this.call({ op: 'collect', skipHealth })) as Sample;
  }

  async hostInfo(): Promise<HostInfo> {
    return (await this.call({ op: 'hostInfo' })) as HostInfo;
  }

  async onModuleDestroy(): Promise<void> {
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
