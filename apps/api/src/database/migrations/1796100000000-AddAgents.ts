import { MigrationInterface, QueryRunner } from 'typeorm';

export class AddAgents1796100000000 implements MigrationInterface {
  name = 'AddAgents1796100000000';

  async up(q: QueryRunner): Promise<void> {
    // gen_random_uuid() is built in since PostgreSQL 13 (and in PGlite): no pgcrypto needed.
    await q.query(`
      CREATE TABLE agents (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        key_prefix text NOT NULL,
        key_digest bytea NOT NULL,
        alert_type text,
        alert_target text,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        last_seen_at timestamptz
      )`);
    // Every key is found by its prefix, revoked ones too, so a prefix is never handed out twice.
    await q.query(`CREATE UNIQUE INDEX agents_key_prefix ON agents (key_prefix)`);
    // A name is taken only while its agent is live: after a revoke, the host can be enrolled again.
    await q.query(`CREATE UNIQUE INDEX agents_name_live ON agents (name) WHERE revoked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE agents`);
  }
}
