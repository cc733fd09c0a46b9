import { Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { oneLine } from '../common/envelope.filter';
import { Env } from '../config/env';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { Migrator } from './migrator';
import { REPOSITORIES } from './repositories';
import { SEARCH_DATA_SOURCE } from './search-data-source';

const QUERY_CANCELED = '57014';

/**
 * TypeORM's own loggers print a failed query's parameters, and those carry webhook and Slack URLs with their
 * tokens, passwords of alert targets and event texts: only the SQLSTATE, the message and the SQL text (which
 * holds placeholders, never values) are logged.
 */
export class QueryErrorLogger implements TypeOrmLogger {
  private readonly logger = new Logger('Database');

  logQuery(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}

  logQueryError(error: string | Error, query: string): void {
    const code = typeof error === 'string' ? '' : ((error as { code?: string }).code ?? '');
    const message = typeof error === 'string' ? error : error.message;
    if (code === QUERY_CANCELED) {
      // a search over its statement timeout: the client got a 400 with a hint, nothing is wrong here
      this.logger.debug(`query canceled: ${oneLine(message)}`);
      return;
    }
    this.logger.error(
      `query failed${code ? ` (${code})` : ''}: ${oneLine(message)} -- ${oneLine(query).slice(0, 500)}`,
    );
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') {
      this.logger.warn(oneLine(String(message)));
    }
  }
}

/** Global: every feature and the persistence writer reach a table through its one repository. */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [Env],
      useFactory: (env: Env) => ({
        type: 'postgres' as const,
        url: env.databaseUrl,
        entities: ENTITIES,
        migrations: MIGRATIONS,
        // Migrations run at startup, under a lock (Migrator); never synchronize outside tests.
        migrationsRun: false,
        synchronize: false,
        extra: { max: 10, connectionTimeoutMillis: 5000 },
        logging: ['error' as const, 'warn' as const],
        logger: new QueryErrorLogger(),
      }),
    }),
    // Event searches get a pool of their own: a burst of expensive regex scans (each up to its statement
    // timeout) then waits for these few connections instead of taking every connection the writer needs.
    TypeOrmModule.forRootAsync({
      name: SEARCH_DATA_SOURCE,
      inject: [Env],
      useFactory: (env: Env) => ({
        name: SEARCH_DATA_SOURCE,
        type: 'postgres' as const,
        url: env.databaseUrl,
        entities: ENTITIES,
        migrationsRun: false,
        synchronize: false,
        extra: { max: env.searchPoolSize, connectionTimeoutMillis: 5000 },
        logging: ['error' as const, 'warn' as const],
        logger: new QueryErrorLogger(),
      }),
    }),
    TypeOrmModule.forFeature(ENTITIES),
  ],
  providers: [Migrator, ...REPOSITORIES],
  exports: [...REPOSITORIES],
})
export class DatabaseModule {}
