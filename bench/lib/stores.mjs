// The stores of one scenario: a database of its own on the shared PostgreSQL and a Redis prefix of its own on
// the shared Redis, both removed when the scenario ends (or at exit, whatever happens), so that one scenario's
// rows and keys never weigh on the next one's figures.
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import pg from 'pg';
import { detail, log, run, sleep } from './context.mjs';
import { onCleanup } from './processes.mjs';

export const ADMIN_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function adminQuery(sql, params) {
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    return await admin.query(sql, params);
  } finally {
    await admin.end();
  }
}

export async function deleteRedisPrefix(redis, prefix) {
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    // UNLINK: a key of a million members is freed in Redis's background thread, not while others wait
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** A fresh database and Redis prefix named after the run and the scenario; `drop()` removes both. */
export async function createStores(tag) {
  const safe = tag.replace(/[^a-z0-9]/gi, '_').toLowerCase();
  const dbName = `wt_bench_${run.id}_${safe}`;
  const prefix = `bench_${run.id}_${safe}`.slice(0, 40);
  await adminQuery(`CREATE DATABASE ${dbName}`);
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${dbName}`;
  const stores = {
    dbName,
    prefix,
    databaseUrl: url.toString(),
    redis: new Redis(REDIS_URL, { maxRetriesPerRequest: null }),
    pg: null,
    queues: [],
    /** Our own client, opened once the API has created the schema. */
    async connectPg() {
      if (!this.pg) {
        this.pg = new pg.Client({ connectionString: this.databaseUrl });
        await this.pg.connect();
      }
      return this.pg;
    },
    queue(name) {
      const queue = new Queue(name, { connection: this.redis, prefix });
      this.queues.push(queue);
      return queue;
    },
    drop: null,
  };
  let dropped = null;
  const forget = onCleanup(() => stores.drop());
  stores.drop = () => {
    dropped ??= (async () => {
      forget();
      for (const q of stores.queues) await q.close().catch(() => undefined);
      if (stores.pg) await stores.pg.end().catch(() => undefined);
      try {
        await adminQuery(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      } catch (error) {
        log(`could not drop database ${dbName}: ${error.message}`);
      }
      try {
        const deleted = await deleteRedisPrefix(stores.redis, prefix);
        detail(`removed database ${dbName} and ${deleted} Redis keys under ${prefix}:`);
      } catch (error) {
        log(`could not delete Redis keys under ${prefix}: ${error.message}`);
      }
      stores.redis.disconnect();
    })();
    return dropped;
  };
  return stores;
}

export async function countRows(pgClient, table, where = '') {
  return Number((await pgClient.query(`SELECT count(*)::bigint AS n FROM ${table} ${where}`)).rows[0].n);
}

/** Polls until `count()` reaches `expected`: { reached, value, ms }. */
export async function waitForCount(count, expected, timeoutMs, everyMs = 50) {
  const started = Date.now();
  for (;;) {
    const value = await count();
    if (value >= expected) return { reached: true, value, ms: Date.now() - started };
    if (Date.now() - started > timeoutMs) return { reached: false, value, ms: Date.now() - started };
    await sleep(everyMs);
  }
}

/** Resolves once no other backend runs a query in our database for 3 polls in a row (ms waited, or null). */
export async function waitDbQuiet(pgClient, timeoutMs) {
  const started = Date.now();
  let quiet = 0;
  for (;;) {
    const { rows } = await pgClient.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'`,
    );
    quiet = rows[0].n === 0 ? quiet + 1 : 0;
    if (quiet >= 3) return Date.now() - started;
    if (Date.now() - started > timeoutMs) return null;
    await sleep(100);
  }
}

export async function failedJobs(queue) {
  return (await queue.getJobCounts('failed')).failed ?? 0;
}

/** Resolves once `queues` hold no waiting, active, delayed or prioritized job (ms waited, or null on timeout). */
export async function waitQueuesIdle(queues, timeoutMs) {
  const started = Date.now();
  for (;;) {
    const counts = await Promise.all(queues.map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
    if (counts.every((c) => Object.values(c).every((n) => n === 0))) return Date.now() - started;
    if (Date.now() - started > timeoutMs) return null;
    await sleep(200);
  }
}
