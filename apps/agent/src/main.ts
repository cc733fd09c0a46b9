import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AgentModule } from './agent.module';
import { AgentEnvError, loadAgentConfig, processEnv } from './config/env';
import { OnceCommand } from './once.command';

const USAGE = 'usage: watchtower-agent once --json [--config <file>]   (print one IngestRequest for this machine)';

interface Args {
  command: string | undefined;
  flags: string[];
  configFile?: string;
}

/** `--config <file>` (or `--config=<file>`) anywhere, once; the rest is the command and its flags. */
function parseArgs(argv: string[]): Args | null {
  const rest: string[] = [];
  let configFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg !== '--config' && !arg.startsWith('--config=')) {
      rest.push(arg);
      continue;
    }
    const path = arg === '--config' ? argv[++i] : arg.slice('--config='.length);
    if (!path || configFile !== undefined) {
      return null;
    }
    configFile = path;
  }
  const [command, ...flags] = rest;
  return { command, flags, configFile };
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args === null || args.command !== 'once' || args.flags.some((flag) => flag !== '--json')) {
    // the long-running mode (WebSocket uplink to the API) comes with the agent protocol issue
    console.error(USAGE);
    return 2;
  }
  const env = loadAgentConfig({ env: processEnv(), configFile: args.configFile });
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
    // one line per bad value and no stack trace: the operator fixes the file or the variable, not the code
    console.error(
      error instanceof AgentEnvError ? error.lines.map((line) => `configuration error: ${line}`).join('\n') : error,
    );
    process.exit(1);
  },
);
