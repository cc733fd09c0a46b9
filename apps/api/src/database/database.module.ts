import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Env } from '../config/env';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { Migrator } from './migrator';
import { REPOSITORIES } from './repositories';

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
        logging: ['error' as const],
      }),
    }),
    TypeOrmModule.forFeature(ENTITIES),
  ],
  providers: [Migrator, ...REPOSITORIES],
  exports: [...REPOSITORIES],
})
export class DatabaseModule {}
