import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Any fixed number: the key of the advisory lock that serializes migrations across processes. */
const MIGRATION_LOCK = 7_301_953_114;

/**
 * Runs pending migrations at startup under a PostgreSQL advisory lock, so API processes booting
 * together on a fresh database do not race to create the same tables (TypeORM has no lock of its own).
 */
@Injectable()
export class Migrator implements OnModuleInit {
  private readonly logger = new Logger(Migrator.name);

  constructor(private readonly db: DataSource) {}

  async onModuleInit(): Promise<void> {
    const runner = this.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
      const applied = await this.db.runMigrations({ transaction: 'all' });
      if (applied.length > 0) {
        this.logger.log(`applied migrations: ${applied.map((m) => m.name).join(', ')}`);
      }
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
      await runner.release();
    }
  }
}
