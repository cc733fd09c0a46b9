import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.setup';
import { EnvError, logLevels, processEnv, validateEnv } from './config/env';
import { prepareQuickStart } from './embedded/quick-start';

async function main(): Promise<void> {
  const logger = new Logger('Watchtower');
  // With no configuration, embedded PostgreSQL, a private redis-server and a generated password (README).
  const quickStart = await prepareQuickStart(processEnv(), (line: string) => logger.log(line)).catch((error: Error) => {
    // Missing redis-server, data directory in use: one line says what to do.
    console.error(`cannot start: ${error.message}`);
    process.exit(1);
  });
  const env = validateEnv(quickStart.env as Record<string, string | undefined>);
  const app = await createApp(env, logLevels(env.logLevel));
  await app.listen(env.port, env.host);
  logger.log(`listening on ${env.tlsCert ? 'https' : 'http'}://${env.host}:${env.port}`);

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
