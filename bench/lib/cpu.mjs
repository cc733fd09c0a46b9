// CPU time and memory of the processes a scenario loads, read from /proc (and Redis's own INFO, since the
// shared Redis server is not our child). CPU time per item is what stays comparable on a machine that other
// work shares: a percentage of wall time is not.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

export const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** utime + stime of a process in seconds (with `children`, also what its waited-for children used), or null. */
export function procCpuSeconds(pid, { children = false } = {}) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    return (children ? own + Number(fields[13]) + Number(fields[14]) : own) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Resident set size in bytes (VmRSS), or null. */
export function procRssBytes(pid) {
  try {
    const match = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

async function redisCpuSeconds(redis) {
  try {
    const info = await redis.info('cpu');
    return Number(info.match(/used_cpu_sys:([\d.]+)/)[1]) + Number(info.match(/used_cpu_user:([\d.]+)/)[1]);
  } catch {
    return null;
  }
}

/** The backends serving one database: the cluster is shared, its other backends are not ours. */
async function pgBackends(pg, dbName) {
  try {
    // not the backend of the client that samples: its own polling is the bench's cost, not the API's
    const { rows } = await pg.query('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [
      dbName,
    ]);
    return Object.fromEntries(rows.map((r) => [r.pid, procCpuSeconds(r.pid)]).filter(([, s]) => s !== null));
  } catch {
    return {};
  }
}

/**
 * Targets: { name, pid } for a process, { name, redis } for the Redis server (all of it: shared with other
 * work), { name, pg, db } for the PostgreSQL backends of one database.
 */
export async function cpuSnapshot(targets) {
  const values = {};
  for (const t of targets) {
    if (t.pid !== undefined) values[t.name] = procCpuSeconds(t.pid);
    else if (t.redis) values[t.name] = await redisCpuSeconds(t.redis);
    else if (t.pg) values[t.name] = await pgBackends(t.pg, t.db);
  }
  return { at: performance.now(), values };
}

/** Per target: CPU seconds between two snapshots and the percentage of one core (100 = one full core). */
export function cpuBetween(a, b) {
  const wall = (b.at - a.at) / 1000;
  const out = {};
  for (const [name, after] of Object.entries(b.values)) {
    const before = a.values[name];
    let seconds = null;
    if (after !== null && typeof after === 'object') {
      // a backend that appeared meanwhile started after the first snapshot: all its time counts
      seconds = Object.entries(after).reduce((sum, [pid, s]) => sum + s - (before?.[pid] ?? 0), 0);
    } else if (after !== null && before !== null && before !== undefined) {
      seconds = after - before;
    }
    out[name] = { seconds, pct: seconds === null || wall <= 0 ? null : Math.round((seconds / wall) * 100) };
  }
  return out;
}

/**
 * Waits until `pid` uses under `pct` % of a core for 3 seconds in a row (ms waited), or null after
 * `timeoutMs`: a run that overloaded the server leaves it working through its backlog, which the next run
 * must not inherit.
 */
export async function waitProcessIdle(pid, { pct = 10, timeoutMs = 180_000 } = {}) {
  const started = Date.now();
  let calm = 0;
  let last = procCpuSeconds(pid);
  while (Date.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = procCpuSeconds(pid);
    if (now === null || last === null) return null;
    calm = (now - last) * 100 < pct ? calm + 1 : 0;
    last = now;
    if (calm >= 3) return Date.now() - started;
  }
  return null;
}
