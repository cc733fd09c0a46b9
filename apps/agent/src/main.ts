import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AgentModule } from './agent.module';
import { AgentEnvError, processEnv, validateAgentEnv } from './config/env';
import { OnceCommand } from './once.command';

const USAGE = 'usage: watchtower-agent once --json   (print one IngestRequest for this machine)';

async function main(argv: string[]): Promise<number> {
  const [command, ...flags] = argv;
  if (command !== 'once' || flags.some((flag) => flag !== '--json')) {
    // the long-running mode (WebSocket uplink to the API) comes with the agent protocol issue
    console.error(USAGE);
    return 2;
  }
  const env = validateAgentEnv(processEnv());
  // logs go to stderr so stdout carries only the JSON
  const app = await NestFactory.createApplicationContext(AgentModule.forRoot(env), {
    logger: ['error', 'warn'],
    abortOnError: false,
  });
  try {
    process.stdout.write(`${await app.get(OnceCommand).run()}\n`);
  } finally {
    await app.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof AgentEnvError ? `configuration error: ${error.message}` : error);
    process.exit(1);
  },
);
