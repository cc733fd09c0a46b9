import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Env } from '../config/env';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [Env],
      useFactory: (env: Env) => ({
        type: 'postgres' as const,
        url: env.databaseUrl,
        entities: ENTITIES,
        migrations: MIGRATIONS,
        migrationsRun: true,
        // Two API processes booting at once must not both run the same migration.
        migrationsTransactionMode: 'all' as const,
        synchronize: false,
        extra: { max: 10, connectionTimeoutMillis: 5000 },
        logging: ['error' as const],
      }),
    }),
  ],
})
export class DatabaseModule {}
