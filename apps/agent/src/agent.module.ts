import { DynamicModule, Module } from '@nestjs/common';
import { AgentEnv } from './config/env';
import { OnceCommand } from './once.command';
import { Sampler } from './sampler.service';

/** The agent is a Nest application context without an HTTP server: config, DI and logging as in the API. */
@Module({})
export class AgentModule {
  static forRoot(env: AgentEnv): DynamicModule {
    return {
      module: AgentModule,
      providers: [
        { provide: AgentEnv, useValue: env },
        // the collectors' seams (file reader, command runner) default to the real host
        { provide: Sampler, useFactory: (config: AgentEnv) => new Sampler(config), inject: [AgentEnv] },
        OnceCommand,
      ],
    };
  }
}
