import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { SamplerThread as CollectionThread } from '@lib/collectors';
import { AgentEnv } from './config/env';

/** The agent's collection thread (the Sampler of `libs/collectors`, shared with the API's embedded mode). */
@Injectable()
export class SamplerThread extends CollectionThread implements OnModuleDestroy {
  private static readonly logger = new Logger('Sampler');

  constructor(env: AgentEnv) {
    super(env, (line) => SamplerThread.logger.warn(line));
  }

  async onModuleDestroy(): Promise<void> {
    await this.stop();
  }
}
