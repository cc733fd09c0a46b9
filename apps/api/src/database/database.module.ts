import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Env } from '../config/env';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { Migrator } from './migrator';

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
  ],
  providers: [Migrator],
})
export class DatabaseModule {}
