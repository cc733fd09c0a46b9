#!/usr/bin/env -S node --lite-mode --no-expose-wasm
import { AgentEnvError, loadAgentConfig, processEnv } from './config/env';
import { CheckCommand } from './check.command';
import { HostSampler } from './host-sampler';
import { agentLogger, setLogLevels } from './log';
import { missingNodeFlags } from './node-flags';
import { OnceCommand } from './once.command';
import { RunCommand } from './run.command';

const USAGE = [
  'usage: watchtower-agent [run] [--config <file>]        collect and send to the server until stopped',
  '       watchtower-agent check [--config <file>]        connect, authenticate, print the welcome, exit',
  '       watchtower-agent once --json [--config <file>]  print one IngestRequest for this machine',
].join('\n');

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

/** Flags each command accepts besides --config. */
const COMMANDS: Record<string, string[]> = { run: [], check: [], once: ['--json'] };

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const command = args?.command ?? 'run';
  if (
    args === null ||
    !Object.hasOwn(COMMANDS, command) ||
    args.flags.some((flag) => !COMMANDS[command].includes(flag)) ||
    (command === 'once' && !args.flags.includes('--json'))
  ) {
    console.error(USAGE);
    return 2;
  }
  const env = loadAgentConfig({ env: processEnv(), configFile: args.configFile });
  setLogLevels(command === 'run' ? ['log', 'warn', 'error'] : ['warn', 'error']);
  const missing = missingNodeFlags();
  if (command === 'run' && missing.length) {
    // it works without them, only bigger: say so once, where the operator reads the agent's output
    agentLogger('Agent').warn(`node started without ${missing.join(' ')}: expect about 55 MB of memory, not 48`);
  }
  // Plain constructors, no Nest context: the agent's whole object graph is these four objects (log.ts says why)
  const sampler = new HostSampler(env);
  try {
    switch (command) {
      case 'once':
        process.stdout.write(`${await new OnceCommand(sampler).run()}\n`);
        return 0;
      case 'check': {
        const { ok, line } = await new CheckCommand(env, sampler).run();
        (ok ? process.stdout : process.stderr).write(`${ok ? line : `check failed: ${line}`}\n`);
        return ok ? 0 : 1;
      }
      default:
        return await new RunCommand(env, sampler).run();
    }
  } finally {
    await sampler.stop();
  }
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
