import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The distinct service names of `events`, kept by a statement trigger (so every way rows arrive, the writer's
 * batches and a bulk COPY alike, keeps it whole). A `service` regex or literal is matched against these few
 * thousand names first; the events are then read through the lower(service) index instead of running the
 * regex over every row of the window, which at 10M rows overran the regex budget.
 */
export class AddEventServices1796500000000 implements MigrationInterface {
  name = 'AddEventServices1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE event_services (name text PRIMARY KEY)`);
    await q.query(`
      CREATE FUNCTION event_services_add() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO event_services (name) SELECT DISTINCT service FROM inserted ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER events_services_add AFTER INSERT ON events
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION event_services_add()`);
    await q.query(`INSERT INTO event_services (name) SELECT DISTINCT service FROM events`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER events_services_add ON events`);
    await q.query(`DROP FUNCTION event_services_add()`);
    await q.query(`DROP TABLE event_services`);
  }
}
