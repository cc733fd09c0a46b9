import { DynamicModule, Module } from '@nestjs/common';
import { AgentEnv } from './config/env';
import { CheckCommand } from './check.command';
import { OnceCommand } from './once.command';
import { RunCommand } from './run.command';
import { SamplerThread } from './sampler-thread';

/** The agent is a Nest application context without an HTTP server: config, DI and logging as in the API. */
@Module({})
export class AgentModule {
  static forRoot(env: AgentEnv): DynamicModule {
    return {
      module: AgentModule,
      providers: [
        { provide: AgentEnv, useValue: env },
        // collection runs on its own thread (sampler.worker.ts) so this event loop never waits on it
        SamplerThread,
        OnceCommand,
        RunCommand,
        CheckCommand,
      ],
    };
  }
}
