import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An operator's settings for one agent outlive its socket: every welcome sends them again and its presence
 * follows its interval. Only what was set is stored, so the rest keeps following the server's defaults.
 */
export class AddAgentSettings1796400000000 implements MigrationInterface {
  name = 'AddAgentSettings1796400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agents ADD COLUMN settings jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE agents DROP COLUMN settings`);
  }
}
