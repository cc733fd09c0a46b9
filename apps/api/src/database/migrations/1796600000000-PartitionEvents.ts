import { MigrationInterface, QueryRunner } from 'typeorm';

/** The indexes that serve the listings (§7.4, §7.5), built on every partition through the parent. */
const INDEXES = [
  `CREATE INDEX events_level_date ON events (level, date DESC)`,
  `CREATE INDEX events_service_trgm ON events USING gin (service gin_trgm_ops)`,
  `CREATE INDEX events_message_trgm ON events USING gin (message gin_trgm_ops)`,
  `CREATE INDEX events_service_lower_date_id ON events (lower(service), date DESC, id DESC)`,
];

// The constraints and indexes the unpartitioned table had, for down()
const UNPARTITIONED_INDEXES = [`CREATE INDEX events_date_id ON events (date DESC, id DESC)`, ...INDEXES];

// The columns as the Initial migration made them; the id sequence, events_id_seq, goes on from table to table
const COLUMNS = `(
  id bigint NOT NULL DEFAULT nextval('events_id_seq'),
  uid text NOT NULL,
  date timestamptz NOT NULL,
  level integer NOT NULL,
  service text NOT NULL,
  message text NOT NULL,
  alert boolean NOT NULL
)`;

const TRIGGER = `CREATE TRIGGER events_services_add AFTER INSERT ON events
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION event_services_add()`;

/**
 * `events` partitioned by UTC day (issue 12): at 25k events/s a day is 2 billion rows, and retention drops whole
 * days instead of deleting rows; a listing's window reads only its own days.
 *
 * - A unique index of a partitioned table must hold the partition key, so `uid` is unique per `date`. A retried
 *   persistence batch carries the same date and is still skipped. A fact whose date is taken again on a retry (a
 *   client's idempotency key, a re-driven death) also claims its uid in `event_keys`, in the same statement.
 * - `events_add_day(day)` makes a day's partition; the writer calls it for a day it has not seen, and so can any
 *   bulk loader. Rows of a day without one land in `events_default`, never in an error, and move to their day's
 *   partition when it is made.
 * - The primary key (date, id) replaces the (date DESC, id DESC) index: it serves the same walks backwards.
 * - Existing rows move into their days in this migration, which is one transaction: on a large table it takes as
 *   long as rewriting it (README, upgrading).
 */
export class PartitionEvents1796600000000 implements MigrationInterface {
  name = 'PartitionEvents1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE events RENAME TO events_unpartitioned`);
    await q.query(`DROP TRIGGER events_services_add ON events_unpartitioned`);
    await q.query(`
      CREATE TABLE events ${COLUMNS} PARTITION BY RANGE (date)`);
    await q.query(`ALTER SEQUENCE events_id_seq OWNED BY events.id`);
    await q.query(`CREATE TABLE events_default PARTITION OF events DEFAULT`);
    await q.query(`
      CREATE FUNCTION events_add_day(day date) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        part text := 'events_p' || to_char(day, 'YYYYMMDD');
        -- both bounds from UTC midnights: an interval added in the session's zone makes a day of 23 or 25 hours
        low timestamptz := day::timestamp AT TIME ZONE 'UTC';
        high timestamptz := (day + 1)::timestamp AT TIME ZONE 'UTC';
        waited text := current_setting('lock_timeout');
      BEGIN
        IF to_regclass(part) IS NOT NULL THEN
          RETURN;
        END IF;
        -- a writer waits at most this long (for a listing holding events_default, a retention drop); its caller
        -- carries on without the day, whose rows then land in events_default
        PERFORM set_config('lock_timeout', '5s', true);
        -- two writers meeting a new day: the second waits here, then finds the partition (taking a table lock
        -- refreshes the catalog, which an advisory lock does not); inserts and reads are not held up by it
        LOCK TABLE events IN SHARE UPDATE EXCLUSIVE MODE;
        IF to_regclass(part) IS NULL THEN
          EXECUTE format('CREATE TABLE %I (LIKE events INCLUDING DEFAULTS)', part);
          -- rows that arrived before their day had a partition: attaching checks the default holds none of the day
          EXECUTE format('WITH moved AS (DELETE FROM events_default WHERE date >= $1 AND date < $2 RETURNING *)
                          INSERT INTO %I SELECT * FROM moved', part) USING low, high;
          EXECUTE format('ALTER TABLE events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, low, high);
        END IF;
        PERFORM set_config('lock_timeout', waited, true);
      END $$`);
    await q.query(`
      SELECT events_add_day(day) FROM (
        SELECT DISTINCT (date AT TIME ZONE 'UTC')::date AS day FROM events_unpartitioned
        UNION SELECT (now() AT TIME ZONE 'UTC')::date
      ) days ORDER BY day`);
    await q.query(`INSERT INTO events SELECT id, uid, date, level, service, message, alert FROM events_unpartitioned`);
    await q.query(`DROP TABLE events_unpartitioned`);
    await q.query(`ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (date, id)`);
    await q.query(`ALTER TABLE events ADD CONSTRAINT events_uid_date UNIQUE (uid, date)`);
    for (const index of INDEXES) {
      await q.query(index);
    }
    await q.query(TRIGGER);
    await q.query(`
      CREATE TABLE event_keys (
        uid text PRIMARY KEY,
        date timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX event_keys_date ON event_keys (date)`);
    // UNIQUE (uid) caught a retry on any date until now: the last day's uids are claimed, so a death re-driven or a
    // request retried across the upgrade is still stored once (which rows were keyed is not known: all of them)
    await q.query(`
      INSERT INTO event_keys (uid, date)
      SELECT DISTINCT ON (uid) uid, date FROM events WHERE date > now() - interval '1 day' ORDER BY uid, date`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE event_keys`);
    await q.query(`
      CREATE TABLE events_unpartitioned ${COLUMNS}`);
    // a uid stored on two dates (a retry of an unkeyed row could do that) keeps its first row
    await q.query(`
      INSERT INTO events_unpartitioned
      SELECT DISTINCT ON (uid) id, uid, date, level, service, message, alert FROM events ORDER BY uid, date, id`);
    await q.query(`ALTER SEQUENCE events_id_seq OWNED BY events_unpartitioned.id`);
    await q.query(`DROP TABLE events`);
    await q.query(`DROP FUNCTION events_add_day(date)`);
    await q.query(`ALTER TABLE events_unpartitioned RENAME TO events`);
    await q.query(`ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (id)`);
    await q.query(`ALTER TABLE events ADD CONSTRAINT events_uid_key UNIQUE (uid)`);
    for (const index of UNPARTITIONED_INDEXES) {
      await q.query(index);
    }
    await q.query(TRIGGER);
  }
}
