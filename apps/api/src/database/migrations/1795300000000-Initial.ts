import { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795300000000 implements MigrationInterface {
  name = 'Initial1795300000000';

  async up(q: QueryRunner): Promise<void> {
    // pg_trgm lets the case-insensitive regex filters of GET /events use an index (§7.4).
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`
      CREATE TABLE heartbeats (
        service text PRIMARY KEY,
        alert_type text NOT NULL,
        alert_target text NOT NULL,
        next_in integer NOT NULL,
        repeat_every integer,
        last timestamptz NOT NULL,
        expected timestamptz NOT NULL,
        alerted boolean NOT NULL,
        cancelled boolean NOT NULL,
        dead_at timestamptz,
        position bigint NOT NULL,
        version bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE events (
        id bigserial PRIMARY KEY,
        uid text NOT NULL UNIQUE,
        date timestamptz NOT NULL,
        level integer NOT NULL,
        service text NOT NULL,
        message text NOT NULL,
        alert boolean NOT NULL
      )`);
    // Newest-first listing and paging walk (date, id) backwards; level and service filters narrow it.
    await q.query(`CREATE INDEX events_date_id ON events (date DESC, id DESC)`);
    await q.query(`CREATE INDEX events_level_date ON events (level, date DESC)`);
    await q.query(`CREATE INDEX events_service_trgm ON events USING gin (service gin_trgm_ops)`);
    await q.query(`CREATE INDEX events_message_trgm ON events USING gin (message gin_trgm_ops)`);
    await q.query(`
      CREATE TABLE ping_states (
        service text PRIMARY KEY,
        last_ping timestamptz,
        last_ping_success timestamptz NOT NULL,
        alerted boolean NOT NULL
      )`);
    await q.query(`
      CREATE TABLE heartbeat_history (
        id bigserial PRIMARY KEY,
        uid text NOT NULL UNIQUE,
        service text NOT NULL,
        action text NOT NULL,
        at timestamptz NOT NULL,
        next_in integer NOT NULL,
        expected timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX heartbeat_history_service_at ON heartbeat_history (service, at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE heartbeat_history`);
    await q.query(`DROP TABLE ping_states`);
    await q.query(`DROP TABLE events`);
    await q.query(`DROP TABLE heartbeats`);
  }
}
