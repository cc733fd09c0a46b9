import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `service=^name$` (one service's events, the commonest search) becomes an equality on lower(service): this index
 * serves it newest first, so a page reads only its own rows however many events other services have.
 */
export class AddEventsServiceLower1796300000000 implements MigrationInterface {
  name = 'AddEventsServiceLower1796300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX events_service_lower_date_id ON events (lower(service), date DESC, id DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX events_service_lower_date_id`);
  }
}
