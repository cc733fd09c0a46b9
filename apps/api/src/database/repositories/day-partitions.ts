import { EntityManager } from 'typeorm';

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` of a UTC day given as days since the epoch. */
export function utcDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `<table>_pYYYYMMDD` of a UTC day given as days since the epoch: how `snapshots` and `events` name their days. */
export function dayPartitionName(table: string, day: number): string {
  return `${table}_p${utcDate(day).replaceAll('-', '')}`;
}

/**
 * Drops every day partition of `table` that ends at or before `cutoffMs`; returns the dropped names, oldest first.
 * A partition attached by hand under another name is not ours to drop.
 */
export async function dropDaysBefore(manager: EntityManager, table: string, cutoffMs: number): Promise<string[]> {
  const children: { name: string }[] = await manager.query(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = $1::regclass ORDER BY c.relname`,
    [table],
  );
  const named = new RegExp(`^${table}_p(\\d{4})(\\d{2})(\\d{2})$`);
  const dropped: string[] = [];
  for (const { name } of children) {
    const m = named.exec(name);
    if (m !== null && Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) + DAY_MS <= cutoffMs) {
      if (await dropUnlessBusy(manager, name)) {
        dropped.push(name);
      }
    }
  }
  return dropped;
}

const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Dropping a partition locks the whole table for a moment; while it waits for a long reader, every insert queues
 * behind it. So it waits 5 s at most, and a day still in use is left to the next day's run.
 */
async function dropUnlessBusy(manager: EntityManager, name: string): Promise<boolean> {
  try {
    await manager.transaction(async (tx) => {
      await tx.query(`SET LOCAL lock_timeout = '5s'`);
      // the name matched the day pattern: no quoting needed
      await tx.query(`DROP TABLE IF EXISTS ${name}`);
    });
    return true;
  } catch (error) {
    if ((error as { driverError?: { code?: string } }).driverError?.code === LOCK_NOT_AVAILABLE) {
      return false;
    }
    throw error;
  }
}
