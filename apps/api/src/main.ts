import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { EnvError, processEnv } from './config/env';
import { logLevels, ROLES, validateBootEnv, validateEnv } from './config/env.table';
import { prepareQuickStart } from './embedded/quick-start';

/** `--role api` (or `--role=api`) sets ROLE, so the table checks it like the variable. */
function roleFlag(args: string[]): Record<string, string> {
  const at = args.findIndex((arg) => arg === '--role' || arg.startsWith('--role='));
  if (at < 0) {
    return {};
  }
  const role = args[at] === '--role' ? args[at + 1] : args[at].slice('--role='.length);
  if (!role || role.startsWith('--')) {
    throw new EnvError(`--role needs a value: ${ROLES.join(', ')}`);
  }
  return { ROLE: role };
}

async function main(): Promise<void> {
  const logger = new Logger('Watchtower');
  const raw = { ...processEnv(), ...roleFlag(process.argv.slice(2)) };
  // With no configuration, embedded PostgreSQL, a private redis-server and a generated password (README).
  const boot = validateBootEnv(raw);
  const quickStart = await prepareQuickStart(boot, (line: string) => logger.log(line)).catch((error: Error) => {
    // Missing redis-server, data directory in use: one line says what to do.
    console.error(`cannot start: ${error.message}`);
    process.exit(1);
  });
  const env = validateEnv({ ...raw, ...quickStart.filled });
  const app = await createApp(env, logLevels(env.logLevel));
  if (env.role === 'worker') {
    // a worker serves no HTTP: it runs the queue processors, the sweeper and the schedulers
    logger.log('running as a worker (ROLE=worker): no HTTP listener');
  } else {
    await app.listen(env.port, env.host);
    const scheme = env.tlsCert ? 'https' : 'http';
    logger.log(`listening on ${scheme}://${env.host}:${env.port} (ROLE=${env.role})`);
    // 0.0.0.0 is where we listen, not an address a browser can open
    const named = env.host === '0.0.0.0' || env.host === '::' ? 'localhost' : env.host;
    const browsable = named.includes(':') ? `[${named}]` : named;
    logger.log(`console: ${scheme}://${browsable}:${env.port}/gui/ (log in with the admin password)`);
  }

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) {
      return;
    }
    stopping = true;
    logger.log(`${signal}: shutting down`);
    // In-flight requests get up to 10 s (§3.1); then we go regardless.
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    await app.close();
    await quickStart.stop();
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  // A bad variable is one clear line, not a stack trace.
  console.error(error instanceof EnvError ? `configuration error: ${error.message}` : error);
  process.exit(1);
});
