#!/usr/bin/env node
// Watchtower benchmark: `npm run bench`. One run measures, on this machine,
//   1. a bare node:http baseline (bench/baseline-server.mjs) under wrk,
//   2. POST / pulses, 3. POST /add-event (plus: every acknowledged event reached PostgreSQL),
//   4. GET /events?limit=100 over ~100k rows (plus one message= regex query),
//   5. deadline detection lag with 10 000 and 100 000 monitored services (§6.3: <= 1 s, whatever N),
// then prints a table and writes bench/results.json. Needs wrk (apt install wrk), PostgreSQL and Redis
// (BENCH_DATABASE_URL / BENCH_REDIS_URL, defaults below). It creates a fresh database and Redis prefix and
// removes both at the end; every child process it starts is stopped, also on error or Ctrl-C.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import pg from 'pg';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(BENCH);
const ADMIN_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
// `npm run build` writes dist/apps/api/src/main.js; older build scripts (--strip-leading-paths) wrote dist/api/src/main.js.
const API_MAIN_CANDIDATES = ['dist/apps/api/src/main.js', 'dist/api/src/main.js'];
let API_MAIN = API_MAIN_CANDIDATES[0];
// --timeout 10s (wrk's default is 2 s): a slow reply is measured instead of only counted as a timeout.
const WRK_TIMEOUT = ['--timeout', '10s'];
const WRK_LOAD = ['-t1', '-c100', '-d10s', ...WRK_TIMEOUT];
const PULSE_TARGET_RATIO = 0.65; // ../shared/NOTES.md: the pulse target (25k/s) is 0.65 of the bare node:http ceiling
const WINDOW_MS = 10_000; // add-event send window (same 10 s as the others, see bench/event.lua)
const PULSE_SERVICES = 10_000;
const SEED_EVENTS = 100_000;
const LAG_SERVICES = 1_000;
const LAG_ROUNDS = [10_000, 100_000];
const DRAIN_TIMEOUT_MS = 30_000;
const RUN_TIMEOUT_MS = 6 * 60_000;

const runId = randomBytes(4).toString('hex');
const prefix = `bench_${runId}`;
const dbName = `wt_bench_${runId}`;
const password = randomBytes(12).toString('hex');
const results = { startedAt: new Date().toISOString(), machine: {}, commands: [], phases: {}, problems: [] };
const children = new Map(); // pid -> { name, proc }
const clients = { pg: null, redis: null, queues: [], dbCreated: false };
let cleaningUp = null;

// ---------- helpers ----------

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line) => process.stderr.write(`[bench +${((Date.now() - t0) / 1000).toFixed(1)}s] ${line}\n`);
const t0 = Date.now();

function problem(text) {
  results.problems.push(text);
  log(`PROBLEM: ${text}`);
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))];
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function track(name, proc) {
  children.set(proc.pid, { name, proc });
  proc.on('exit', () => children.delete(proc.pid));
  return proc;
}

/** SIGTERM, then SIGKILL after graceMs; resolves when the process is gone. */
async function stopChild(proc, graceMs = 12_000) {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const gone = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

// Last resort: whatever happens, no child outlives this process.
process.on('exit', () => {
  for (const { proc } of children.values()) {
    try {
      proc.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });

/** One HTTP request to the API: { status, body (parsed JSON when possible), ms }. */
function request(port, method, urlPath, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const started = performance.now();
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        agent,
        headers: {
          password,
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* keep text */
          }
          resolve({ status: res.statusCode, body: parsed, ms: performance.now() - started });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function mapLimit(items, limit, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i);
      }
    }),
  );
  return out;
}

/**
 * Runs wrk with one of the bench/*.lua scripts and returns the WRKJSON line that script's done() prints.
 * `untilLine`: a stdout line after which wrk is interrupted (SIGINT makes it report at once).
 */
async function wrk({ label, args, script, url, env = {}, untilLine, record = true, cpuPid = serverPid }) {
  const argv = [...args, '--latency', '-s', path.relative(ROOT, path.join(BENCH, script)), url];
  const envText = Object.entries({ WT_PASSWORD: '$WT_PASSWORD', ...env })
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const command = `${envText} wrk ${argv.join(' ')}`;
  if (record) results.commands.push({ label, command });
  log(`${label}: ${command}`);
  const cpuBefore = await cpuSnapshot(cpuPid);
  const proc = track(
    `wrk ${label}`,
    spawn('wrk', argv, {
      cwd: ROOT,
      env: { ...process.env, WT_PASSWORD: password, ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])) },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let stdout = '';
  let stderr = '';
  let interrupted = false;
  proc.stdout.on('data', (chunk) => {
    stdout += chunk;
    if (untilLine && !interrupted && stdout.includes(`${untilLine}\n`)) {
      interrupted = true;
      proc.kill('SIGINT');
    }
  });
  proc.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await new Promise((resolve) => proc.on('close', (c, s) => resolve([c, s])));
  const line = stdout.split('\n').find((l) => l.startsWith('WRKJSON '));
  if (!line) {
    throw new Error(`wrk ${label} produced no report (exit ${code}):\n${stdout}\n${stderr}`);
  }
  const report = JSON.parse(line.slice('WRKJSON '.length));
  report.cpu = cpuPercent(cpuBefore, await cpuSnapshot(cpuPid));
  const errors = report.errors;
  report.socketErrors = errors.connect + errors.read + errors.write + errors.timeout;
  report.non2xx = errors.status;
  report.ok = report.requests - errors.status;
  report.seconds = report.duration_us / 1e6;
  report.rps = report.requests / report.seconds;
  report.p50ms = report.latency_us.p50 / 1000;
  report.p99ms = report.latency_us.p99 / 1000;
  report.bytesPerReply = report.requests ? Math.round(report.bytes / report.requests) : 0;
  report.command = command;
  return report;
}

function summarize(report) {
  return {
    serverCpuPct: report.cpu?.serverPct,
    // CPU time of the server process per completed request: comparable even when the machine is shared.
    serverCpuUsPerRequest: report.cpu?.serverSeconds == null || !report.requests ? null : Math.round((report.cpu.serverSeconds * 1e6) / report.requests),
    redisCpuPct: report.cpu?.redisPct,
    rps: Math.round(report.rps),
    p50ms: round(report.p50ms, 2),
    p99ms: round(report.p99ms, 2),
    maxms: round(report.latency_us.max / 1000, 1),
    requests: report.requests,
    non2xx: report.non2xx,
    socketErrors: report.socketErrors,
    errors: report.errors,
    seconds: round(report.seconds, 2),
    bytesPerReply: report.bytesPerReply,
    command: report.command,
  };
}

const round = (x, digits) => (Number.isFinite(x) ? Number(x.toFixed(digits)) : x);

function checkLoad(label, report) {
  if (report.non2xx > 0) problem(`${label}: ${report.non2xx} non-2xx replies out of ${report.requests}`);
  if (report.socketErrors > 0) problem(`${label}: socket errors ${JSON.stringify(report.errors)}`);
  if (report.requests === 0) problem(`${label}: no request completed`);
}

async function waitForLine(proc, regex, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error(`${what}: not ready after ${timeoutMs} ms`)), timeoutMs);
    proc.stdout.on('data', (chunk) => {
      buffer += chunk;
      const match = buffer.match(regex);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited early (code ${code})`));
    });
  });
}

async function startApi(port, databaseUrl) {
  const env = {
    NODE_ENV: 'production',
    WATCHTOWER_PASSWORD: password,
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    AUTH_FAILURES_PER_MINUTE: '0',
    NO_COLOR: '1',
  };
  const logPath = path.join(BENCH, 'api.log');
  const out = fs.openSync(logPath, 'w');
  const shown = Object.entries(env)
    .map(([k, v]) => `${k}=${k === 'WATCHTOWER_PASSWORD' ? '$WT_PASSWORD' : v}`)
    .join(' ');
  results.commands.unshift({ label: 'API', command: `${shown} node ${API_MAIN}   (stdout+stderr: bench/api.log)` });
  log(`starting API on :${port} (log: bench/api.log)`);
  const proc = track('api', spawn(process.execPath, [API_MAIN], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', out, out] }));
  fs.closeSync(out);
  let exited = null;
  proc.on('exit', (code, signal) => (exited = { code, signal }));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      throw new Error(`API exited during startup (${JSON.stringify(exited)}); last log lines:\n${tail(logPath, 20)}`);
    }
    try {
      const res = await request(port, 'GET', '/hello');
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`API not ready after 60 s; last log lines:\n${tail(logPath, 20)}`);
    await sleep(200);
  }
  proc.on('exit', (code, signal) => {
    if (!cleaningUp) problem(`API process exited during the run (code ${code}, signal ${signal}); see bench/api.log`);
  });
  return proc;
}

function tail(file, lines) {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitQueueIdle(queue, timeoutMs) {
  const started = Date.now();
  for (;;) {
    const counts = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused', 'waiting-children');
    const pending = Object.values(counts).reduce((a, b) => a + b, 0);
    if (pending === 0) return { ms: Date.now() - started, idle: true };
    if (Date.now() - started > timeoutMs) return { ms: Date.now() - started, idle: false, counts };
    await sleep(100);
  }
}

/** Resolves once no other backend runs a query in our database for 3 polls in a row (ms waited, or null). */
async function waitDbQuiet(timeoutMs) {
  const started = Date.now();
  let quiet = 0;
  for (;;) {
    const { rows } = await clients.pg.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active'`,
    );
    quiet = rows[0].n === 0 ? quiet + 1 : 0;
    if (quiet >= 3) return Date.now() - started;
    if (Date.now() - started > timeoutMs) return null;
    await sleep(100);
  }
}

async function failedCount(queue) {
  return (await queue.getJobCounts('failed')).failed ?? 0;
}

async function countEvents() {
  return Number((await clients.pg.query('SELECT count(*)::bigint AS n FROM events')).rows[0].n);
}

/** Same id as AlertsService.alertJobId: `down-` + the first 32 hex of sha256(kind \0 service \0 expected). */
function alertJobId(key) {
  return `${key[0]}-${createHash('sha256').update(key.join('\u0000')).digest('hex').slice(0, 32)}`;
}

let serverPid = null; // the process under load (baseline server, then the API), for CPU accounting
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** CPU seconds used so far by `pid` (from /proc) and by the Redis server (INFO cpu, all its threads). */
async function cpuSnapshot(pid) {
  let proc = null;
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    proc = (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
  } catch {
    /* no pid or no /proc */
  }
  let redis = null;
  try {
    const info = await clients.redis.info('cpu');
    redis = Number(info.match(/used_cpu_sys:([\d.]+)/)[1]) + Number(info.match(/used_cpu_user:([\d.]+)/)[1]);
  } catch {
    /* unavailable */
  }
  return { at: performance.now(), proc, redis };
}

/** Percent of one core over the interval (100 = one full core). */
function cpuPercent(a, b) {
  const wall = (b.at - a.at) / 1000;
  const pct = (x, y) => (x === null || y === null || wall <= 0 ? null : Math.round(((y - x) / wall) * 100));
  return {
    serverPct: pct(a.proc, b.proc),
    serverSeconds: a.proc === null || b.proc === null ? null : b.proc - a.proc,
    redisPct: pct(a.redis, b.redis),
  };
}

// ---------- phases ----------

async function machineInfo(admin) {
  const cpus = os.cpus();
  const wrkVersion = (spawnSync('wrk', ['-v'], { encoding: 'utf8' }).stdout || '').split('\n')[0].replace(/ Copyright.*/, '').trim();
  results.machine = {
    nproc: os.availableParallelism?.() ?? cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    kernel: `${os.type()} ${os.release()}`,
    loadavgAtStart: os.loadavg().map((x) => round(x, 2)),
    node: process.version,
    wrk: wrkVersion,
    postgres: (await admin.query('SHOW server_version')).rows[0].server_version,
    redis: ((await clients.redis.info('server')).match(/redis_version:(\S+)/) ?? [])[1] ?? 'unknown',
  };
  const git = (...args) => (spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' }).stdout ?? '').trim();
  const dirty = git('status', '--porcelain', '--', 'apps', 'libs', 'package.json', 'package-lock.json');
  results.code = { commit: git('rev-parse', '--short', 'HEAD') || 'unknown', uncommittedApiChanges: dirty ? dirty.split('\n').length : 0 };
}

async function baselinePhase() {
  const port = await freePort();
  const script = path.relative(ROOT, path.join(BENCH, 'baseline-server.mjs'));
  results.commands.push({ label: 'baseline server', command: `node ${script} ${port} $WT_PASSWORD` });
  const proc = track('baseline', spawn(process.execPath, [script, String(port), password], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] }));
  await waitForLine(proc, /listening (\d+)/, 10_000, 'baseline server');
  serverPid = proc.pid;
  const url = `http://127.0.0.1:${port}/`;
  try {
    await wrk({ label: 'baseline warm-up', args: ['-t1', '-c100', '-d3s', ...WRK_TIMEOUT], script: 'pulse.lua', url, record: false });
    const report = await wrk({ label: 'baseline', args: WRK_LOAD, script: 'pulse.lua', url });
    checkLoad('baseline', report);
    results.phases.baseline = summarize(report);
    return report;
  } finally {
    await stopChild(proc, 3000);
  }
}

async function pulsePhase(port, persistence, baseline) {
  const url = `http://127.0.0.1:${port}/`;
  const env = { WT_SERVICES: PULSE_SERVICES };
  await wrk({ label: 'pulse warm-up', args: ['-t1', '-c100', '-d3s', ...WRK_TIMEOUT], script: 'pulse.lua', url, env, record: false });
  const pre = await waitQueueIdle(persistence, 60_000);
  log(`persistence queue idle after warm-up in ${pre.ms} ms`);
  const report = await wrk({ label: 'API POST / (pulse)', args: WRK_LOAD, script: 'pulse.lua', url, env });
  checkLoad('POST / pulse', report);
  const drain = await waitQueueIdle(persistence, 60_000);
  if (!drain.idle) problem(`pulse: persistence queue not drained after 60 s: ${JSON.stringify(drain.counts)}`);
  const heartbeatRows = Number((await clients.pg.query('SELECT count(*) AS n FROM heartbeats')).rows[0].n);
  if (heartbeatRows !== PULSE_SERVICES) problem(`pulse: ${heartbeatRows} heartbeat rows in PostgreSQL, expected ${PULSE_SERVICES}`);
  const ratio = report.rps / baseline.rps;
  if (ratio < PULSE_TARGET_RATIO) {
    problem(`pulse: ${Math.round(report.rps)} req/s is ${ratio.toFixed(2)} of the bare node:http baseline, below the ${PULSE_TARGET_RATIO} target of ../shared/NOTES.md`);
  }
  results.phases.pulse = {
    ...summarize(report),
    vsBaseline: round(report.rps / baseline.rps, 3),
    services: PULSE_SERVICES,
    persistenceDrainMs: drain.ms,
    heartbeatRowsInPostgres: heartbeatRows,
  };
}

async function eventPhase(port, persistence, baseline) {
  const url = `http://127.0.0.1:${port}/add-event`;
  const args = ['-t1', '-c100', `-d${WINDOW_MS / 1000 + 1}s`, ...WRK_TIMEOUT];
  await wrk({ label: 'add-event warm-up', args: ['-t1', '-c100', '-d3s', ...WRK_TIMEOUT], script: 'event.lua', url, env: { WT_WINDOW_MS: 2000, WT_SERVICE_PREFIX: 'warm-' }, record: false });
  const pre = await waitQueueIdle(persistence, 60_000);
  log(`persistence queue idle after warm-up in ${pre.ms} ms`);
  const before = await countEvents();
  const failedBefore = await failedCount(persistence);
  const report = await wrk({ label: 'API POST /add-event', args, script: 'event.lua', url, env: { WT_WINDOW_MS: WINDOW_MS } });
  const wrkEnded = Date.now();
  // The script sends for WINDOW_MS, then waits for its in-flight replies: rate over the send window.
  report.seconds = report.send_window_ms / 1000;
  report.rps = report.requests / report.seconds;
  checkLoad('POST /add-event', report);
  if (report.sent !== report.requests) {
    problem(`add-event: wrk sent ${report.sent} requests but completed ${report.requests} (some replies never came)`);
  }
  const acknowledged = report.ok;
  let rows = before;
  let drainMs = null;
  while (Date.now() - wrkEnded < DRAIN_TIMEOUT_MS) {
    rows = (await countEvents()) - before;
    if (rows >= acknowledged) {
      drainMs = Date.now() - wrkEnded;
      break;
    }
    await sleep(50);
  }
  // Let anything still queued land, then compare exactly (more rows than acks would also be wrong).
  await waitQueueIdle(persistence, 10_000);
  rows = (await countEvents()) - before;
  const failedJobs = (await failedCount(persistence)) - failedBefore;
  if (drainMs === null) problem(`add-event: only ${rows} of ${acknowledged} acknowledged events in PostgreSQL after ${DRAIN_TIMEOUT_MS / 1000} s`);
  if (rows !== acknowledged) problem(`add-event: ${rows} new rows in PostgreSQL vs ${acknowledged} acknowledged (2xx) by the API`);
  if (failedJobs > 0) problem(`add-event: ${failedJobs} persistence jobs failed during the run`);
  results.phases.addEvent = {
    ...summarize(report),
    vsBaseline: round(report.rps / baseline.rps, 3),
    sendWindowMs: round(report.send_window_ms, 0),
    acknowledged,
    rowsInPostgres: rows,
    allPersisted: rows === acknowledged,
    drainMs,
    failedPersistenceJobs: failedJobs,
  };
}

async function listPhase(port) {
  // ~100k events over the last 24 h, replacing the add-event rows (which all carry the same few seconds).
  const started = Date.now();
  await clients.pg.query('TRUNCATE events');
  await clients.pg.query(
    `INSERT INTO events (uid, date, level, service, message, alert)
     SELECT 'seed-' || g,
            now() - random() * interval '24 hours',
            (ARRAY[0, 1, 2, 3, 3, 4, 5])[1 + g % 7],
            (ARRAY['backup', 'web', 'db', 'cron', 'mail', 'billing', 'search', 'auth'])[1 + g % 8] || '-' || (g % 40),
            CASE g % 6
              WHEN 0 THEN 'disk ' || (50 + g % 50) || '% full on /var'
              WHEN 1 THEN 'backup finished in ' || (g % 3600) || ' s, ' || (g % 977) || ' MB'
              WHEN 2 THEN 'connection refused by db-' || (g % 12) || ':5432 after ' || (g % 30) || ' retries'
              WHEN 3 THEN 'certificate for host' || (g % 90) || '.example.net expires in ' || (g % 60) || ' days'
              WHEN 4 THEN 'queue depth ' || (g % 5000) || ' above threshold on worker-' || (g % 16)
              ELSE 'request p95 ' || (g % 900) || ' ms on /api/v' || (1 + g % 3) || '/orders'
            END,
            g % 97 = 0
     FROM generate_series(1, $1::int) AS g`,
    [SEED_EVENTS],
  );
  await clients.pg.query('ANALYZE events');
  const seeded = await countEvents();
  const seedMs = Date.now() - started;
  log(`seeded ${seeded} events in ${seedMs} ms`);

  const probe = await request(port, 'GET', '/events?limit=100');
  if (probe.status !== 200 || probe.body?.events?.length !== 100) {
    problem(`GET /events?limit=100: status ${probe.status}, ${probe.body?.events?.length} events (expected 100)`);
  }
  const url = `http://127.0.0.1:${port}/events?limit=100`;
  await wrk({ label: 'events warm-up', args: ['-t1', '-c100', '-d2s', ...WRK_TIMEOUT], script: 'events-list.lua', url, record: false });
  const report = await wrk({ label: 'API GET /events?limit=100', args: WRK_LOAD, script: 'events-list.lua', url });
  checkLoad('GET /events', report);
  if (report.p99ms > 1000) {
    problem(`GET /events?limit=100: p99 ${report.p99ms.toFixed(0)} ms at ${Math.round(report.rps)} req/s for a 100-row page over ${seeded} rows`);
  }

  // Requests wrk gave up on may still be queued in the API: wait until PostgreSQL is quiet before timing.
  const quietMs = await waitDbQuiet(20_000);
  if (quietMs === null) problem('GET /events: PostgreSQL still busy 20 s after the load ended');
  else log(`database quiet ${quietMs} ms after the GET /events load`);

  // One regex query (§7.4), timed from this process: the first call, then the median of 5 more.
  const regexPath = `/events?message=${encodeURIComponent('disk 9[0-9]% full')}&limit=100`;
  const timings = [];
  let hits = null;
  for (let i = 0; i < 6; i++) {
    const res = await request(port, 'GET', regexPath);
    if (res.status !== 200) problem(`GET ${regexPath}: status ${res.status} ${JSON.stringify(res.body)}`);
    hits = res.body?.events?.length ?? null;
    timings.push(res.ms);
  }
  const wrong = (hits ?? 0) > 0 && !(await request(port, 'GET', regexPath)).body.events.every((e) => /disk 9[0-9]% full/i.test(e.message));
  if (wrong) problem(`GET ${regexPath}: returned events that do not match the pattern`);
  results.commands.push({ label: 'regex query', command: `curl -H "password: $WT_PASSWORD" 'http://127.0.0.1:${port}${regexPath}'  (x6, sequential)` });
  const rest = timings.slice(1).sort((a, b) => a - b);
  results.phases.eventsList = { ...summarize(report), rowsInTable: seeded, seedMs };
  results.phases.regexQuery = {
    path: regexPath,
    firstMs: round(timings[0], 1),
    medianMs: round(percentile(rest, 50), 1),
    maxMs: round(Math.max(...rest), 1),
    events: hits,
  };
}

async function fillServices(port, from, count, label) {
  const started = Date.now();
  const report = await wrk({
    label,
    args: ['-t1', '-c100', '-d120s', ...WRK_TIMEOUT],
    script: 'fill.lua',
    url: `http://127.0.0.1:${port}/`,
    env: { WT_FROM: from, WT_COUNT: count, WT_NEXT_IN: 3600, WT_SERVICE_PREFIX: 'svc-' },
    untilLine: 'FILLDONE',
  });
  if (report.got !== count || report.bad > 0 || report.socketErrors > 0) {
    problem(`${label}: ${report.got}/${count} replies, ${report.bad} non-2xx, socket errors ${JSON.stringify(report.errors)}`);
  }
  return { count, ms: Date.now() - started, rps: Math.round(count / (report.send_window_ms / 1000 || 1)), non2xx: report.bad };
}

async function lagRound(port, n, alerts, persistence) {
  const recKey = `${prefix}:hb:rec`;
  const dueKey = `${prefix}:hb:due`;
  const before = await clients.redis.hlen(recKey);
  let fill = null;
  if (before < n) {
    // svc-0 .. svc-(n-1), nextIn 3600: the ones that already exist are simply refreshed.
    fill = await fillServices(port, 0, n, `fill to ${n} services`);
  }
  const settle = await waitQueueIdle(persistence, 60_000);
  const records = await clients.redis.hlen(recKey);
  const scheduled = await clients.redis.zcard(dueKey);
  log(`N=${n}: ${records} heartbeat records, ${scheduled} scheduled deadlines; persistence idle after ${settle.ms} ms`);

  // Pulse LAG_SERVICES services with nextIn=2, starting just after a second boundary so they share a second.
  const names = Array.from({ length: LAG_SERVICES }, (_, i) => `lag-${n}-${i}`);
  await mapLimit(Array.from({ length: 200 }), 100, () => request(port, 'GET', '/hello')); // open the keep-alive sockets
  await sleep(1000 - (Date.now() % 1000) + 20);
  const pulseStart = Date.now();
  const replies = await mapLimit(names, 100, (service) =>
    request(port, 'POST', '/', { service, alertType: 'log', alertTarget: 'ops', nextIn: 2 }),
  );
  const pulseMs = Date.now() - pulseStart;
  const bad = replies.filter((r) => r.status !== 200);
  if (bad.length > 0) problem(`lag N=${n}: ${bad.length} lag pulses failed, e.g. ${bad[0].status} ${JSON.stringify(bad[0].body)}`);
  const deaths = new Map(); // service -> { expected, death }
  replies.forEach((r, i) => {
    if (r.status === 200) deaths.set(names[i], { expected: r.body.heartBeat.expected, last: r.body.heartBeat.last });
  });
  const lastSeconds = new Set([...deaths.values()].map((d) => d.last));
  const lastDeath = Math.max(...[...deaths.values()].map((d) => d.expected + 1));

  // Wait past the last death instant, then look the down jobs up by their deterministic ids.
  await sleep(Math.max(0, lastDeath * 1000 - Date.now()) + 2000);
  const found = new Map();
  const giveUp = Date.now() + 15_000;
  for (;;) {
    const pending = [...deaths.keys()].filter((s) => !found.has(s));
    const pipeline = clients.redis.pipeline();
    for (const s of pending) pipeline.hmget(`${prefix}:alerts:${alertJobId(['down', s, `${deaths.get(s).expected}`])}`, 'name', 'timestamp', 'data');
    const rows = await pipeline.exec();
    rows.forEach(([error, [name, timestamp, data]], i) => {
      if (!error && name === 'down' && timestamp) found.set(pending[i], { timestamp: Number(timestamp), data: JSON.parse(data) });
    });
    if (found.size === deaths.size || Date.now() > giveUp) break;
    await sleep(250);
  }
  let missing = [...deaths.keys()].filter((s) => !found.has(s));
  if (missing.length > 0) {
    // Not under the expected id: look for any down job of these services (an id scheme change, or truly missing).
    const jobs = await alerts.getJobs(['completed', 'failed', 'wait', 'active', 'delayed', 'prioritized', 'paused'], 0, -1);
    for (const job of jobs) {
      const s = job?.data?.service;
      if (job?.name === 'down' && missing.includes(s) && !found.has(s)) found.set(s, { timestamp: job.timestamp, data: job.data, otherId: job.id });
    }
    const otherIds = [...found.values()].filter((f) => f.otherId).length;
    if (otherIds > 0) problem(`lag N=${n}: ${otherIds} down jobs found under an unexpected job id`);
    missing = [...deaths.keys()].filter((s) => !found.has(s));
  }
  if (missing.length > 0) problem(`lag N=${n}: no down job for ${missing.length} of ${deaths.size} dead services (e.g. ${missing[0]})`);

  const lags = [...found.entries()].map(([s, f]) => f.timestamp / 1000 - (deaths.get(s).expected + 1)).sort((a, b) => a - b);
  const early = lags.filter((l) => l < 0).length;
  if (early > 0) problem(`lag N=${n}: ${early} services declared dead BEFORE expected+1 (min ${lags[0].toFixed(3)} s)`);
  const stats = {
    n,
    records,
    scheduledDeadlines: scheduled,
    fill,
    lagServices: deaths.size,
    pulsedInMs: pulseMs,
    pulsedInDistinctSeconds: lastSeconds.size,
    downJobs: found.size,
    missing: missing.length,
    lagSeconds: {
      min: round(lags[0], 3),
      p50: round(percentile(lags, 50), 3),
      p99: round(percentile(lags, 99), 3),
      max: round(lags[lags.length - 1], 3),
    },
  };
  if (stats.lagSeconds.p99 > 1) problem(`lag N=${n}: p99 detection lag ${stats.lagSeconds.p99} s > 1 s (§6.3)`);
  else if (stats.lagSeconds.max > 1) problem(`lag N=${n}: max detection lag ${stats.lagSeconds.max} s > 1 s (p99 ${stats.lagSeconds.p99} s is within §6.3)`);
  log(`N=${n}: lag p50 ${stats.lagSeconds.p50} s, p99 ${stats.lagSeconds.p99} s, max ${stats.lagSeconds.max} s`);
  return stats;
}

// ---------- report ----------

function printTable() {
  const m = results.machine;
  const { baseline, pulse, addEvent, eventsList, regexQuery } = results.phases;
  const num = (x) => (x === undefined || x === null ? '-' : typeof x === 'number' ? x.toLocaleString('en-US') : String(x));
  const rows = [
    ['case (wrk -t1 -c100, 10 s)', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'sock err', 'vs baseline', 'server CPU%', 'CPU µs/req', 'Redis CPU%'],
    baseline && ['baseline node:http POST (pulse body)', num(baseline.rps), baseline.p50ms, baseline.p99ms, num(baseline.non2xx), num(baseline.socketErrors), '1.000', num(baseline.serverCpuPct), num(baseline.serverCpuUsPerRequest), num(baseline.redisCpuPct)],
    pulse && [`API POST / pulse (${num(pulse.services)} services)`, num(pulse.rps), pulse.p50ms, pulse.p99ms, num(pulse.non2xx), num(pulse.socketErrors), pulse.vsBaseline.toFixed(3), num(pulse.serverCpuPct), num(pulse.serverCpuUsPerRequest), num(pulse.redisCpuPct)],
    addEvent && ['API POST /add-event', num(addEvent.rps), addEvent.p50ms, addEvent.p99ms, num(addEvent.non2xx), num(addEvent.socketErrors), addEvent.vsBaseline.toFixed(3), num(addEvent.serverCpuPct), num(addEvent.serverCpuUsPerRequest), num(addEvent.redisCpuPct)],
    eventsList && [`API GET /events?limit=100 (${num(eventsList.rowsInTable)} rows)`, num(eventsList.rps), eventsList.p50ms, eventsList.p99ms, num(eventsList.non2xx), num(eventsList.socketErrors), '-', num(eventsList.serverCpuPct), num(eventsList.serverCpuUsPerRequest), num(eventsList.redisCpuPct)],
  ].filter(Boolean);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const fmt = (r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ');
  const lines = [];
  lines.push(`Watchtower bench ${results.startedAt}`);
  lines.push(`machine: nproc ${m.nproc} (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.kernel}; node ${m.node}; ${m.wrk}; PostgreSQL ${m.postgres}; Redis ${m.redis}`);
  if (results.code) lines.push(`code: commit ${results.code.commit}${results.code.uncommittedApiChanges ? ` + ${results.code.uncommittedApiChanges} uncommitted files under apps/, libs/ or package*.json` : ''} (built with npm run build)`);
  lines.push(`load average at start: ${m.loadavgAtStart?.join(' ')} (1/5/15 min); at end: ${results.loadavgAtEnd?.join(' ')}`);
  lines.push('');
  lines.push(fmt(rows[0]));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  rows.slice(1).forEach((r) => lines.push(fmt(r)));
  lines.push('server CPU% = the process under load (baseline server or API; 100 = one core), CPU µs/req = its CPU time per reply; Redis CPU% = the whole (shared) Redis server');
  lines.push('');
  if (pulse) lines.push(`pulse: persistence queue drained ${pulse.persistenceDrainMs} ms after wrk; ${num(pulse.heartbeatRowsInPostgres)} heartbeat rows in PostgreSQL`);
  if (addEvent) {
    lines.push(
      `add-event: ${num(addEvent.acknowledged)} acknowledged (2xx), ${num(addEvent.rowsInPostgres)} new rows in PostgreSQL -> ${addEvent.allPersisted ? 'all persisted' : 'MISMATCH'}; ` +
        `drain ${addEvent.drainMs === null ? `> ${DRAIN_TIMEOUT_MS / 1000} s` : `${addEvent.drainMs} ms`} after wrk; send window ${addEvent.sendWindowMs} ms`,
    );
  }
  if (regexQuery) lines.push(`regex: GET ${regexQuery.path}: first ${regexQuery.firstMs} ms, then median ${regexQuery.medianMs} ms (max ${regexQuery.maxMs} ms), ${regexQuery.events} events`);
  if (results.phases.lag?.length) {
    lines.push('');
    const lagRows = [['deadline detection (1 000 services, nextIn=2)', 'records', 'deadlines', 'down jobs', 'missing', 'p50 s', 'p99 s', 'max s']];
    for (const l of results.phases.lag) {
      lagRows.push([
        `N=${num(l.n)} monitored (lag pulses in ${l.pulsedInMs} ms, ${l.pulsedInDistinctSeconds} s)`,
        num(l.records),
        num(l.scheduledDeadlines),
        num(l.downJobs),
        num(l.missing),
        l.lagSeconds.p50,
        l.lagSeconds.p99,
        l.lagSeconds.max,
      ]);
    }
    const w = lagRows[0].map((_, c) => Math.max(...lagRows.map((r) => String(r[c]).length)));
    const f = (r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(w[c]) : String(cell).padStart(w[c]))).join('  ');
    lines.push(f(lagRows[0]));
    lines.push(w.map((x) => '-'.repeat(x)).join('  '));
    lagRows.slice(1).forEach((r) => lines.push(f(r)));
    lines.push('lag = timestamp of the `down` job in the alerts queue - (expected + 1)');
    for (const l of results.phases.lag) if (l.fill) lines.push(`fill to N=${num(l.n)}: ${num(l.fill.count)} pulses in ${l.fill.ms} ms (~${num(l.fill.rps)}/s)`);
  }
  lines.push('');
  lines.push('commands:');
  for (const c of results.commands) lines.push(`  [${c.label}] ${c.command}`);
  lines.push('');
  if (results.problems.length === 0) lines.push('problems: none');
  else {
    lines.push(`PROBLEMS (${results.problems.length}):`);
    results.problems.forEach((p) => lines.push(`  - ${p}`));
  }
  lines.push(`total ${((Date.now() - t0) / 1000).toFixed(1)} s; results: bench/results.json`);
  console.log(lines.join('\n'));
}

// ---------- main ----------

async function cleanup() {
  if (cleaningUp) return cleaningUp;
  cleaningUp = (async () => {
    for (const { proc } of [...children.values()]) {
      await stopChild(proc).catch(() => undefined);
    }
    for (const q of clients.queues) await q.close().catch(() => undefined);
    if (clients.pg) await clients.pg.end().catch(() => undefined);
    if (clients.dbCreated) {
      try {
        const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
        await admin.end();
      } catch (error) {
        log(`could not drop database ${dbName}: ${error.message}`);
      }
    }
    if (clients.redis) {
      try {
        let cursor = '0';
        let deleted = 0;
        do {
          const [next, keys] = await clients.redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length > 0) deleted += await clients.redis.del(...keys);
        } while (cursor !== '0');
        log(`removed database ${dbName} and ${deleted} Redis keys under ${prefix}:`);
      } catch (error) {
        log(`could not delete Redis keys under ${prefix}: ${error.message}`);
      }
      clients.redis.disconnect();
    }
    agent.destroy();
  })();
  return cleaningUp;
}

async function main() {
  if (spawnSync('wrk', ['-v']).error) {
    console.error('wrk not found: apt install wrk');
    process.exit(1);
  }
  const watchdog = setTimeout(() => {
    problem(`run exceeded ${RUN_TIMEOUT_MS / 60000} min: aborting`);
    void cleanup().then(() => process.exit(1));
  }, RUN_TIMEOUT_MS);
  watchdog.unref();

  log('npm run build');
  const build = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error(`npm run build failed (exit ${build.status})`);
  API_MAIN = API_MAIN_CANDIDATES.find((p) => fs.existsSync(path.join(ROOT, p)));
  if (!API_MAIN) throw new Error(`npm run build produced none of ${API_MAIN_CANDIDATES.join(', ')}`);
  if (API_MAIN !== API_MAIN_CANDIDATES[0]) problem(`build output is ${API_MAIN}, not ${API_MAIN_CANDIDATES[0]} (what package.json "start" and docker/Dockerfile run)`);

  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  clients.dbCreated = true;
  clients.redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  await machineInfo(admin);
  await admin.end();
  const dbUrl = new URL(ADMIN_DATABASE_URL);
  dbUrl.pathname = `/${dbName}`;
  const databaseUrl = dbUrl.toString();
  log(`database ${dbName}, Redis prefix ${prefix}`);

  const baseline = await baselinePhase();

  const port = await freePort();
  serverPid = (await startApi(port, databaseUrl)).pid;
  clients.pg = new pg.Client({ connectionString: databaseUrl });
  await clients.pg.connect();
  const persistence = new Queue('persistence', { connection: clients.redis, prefix });
  const alerts = new Queue('alerts', { connection: clients.redis, prefix });
  clients.queues.push(persistence, alerts);

  await pulsePhase(port, persistence, baseline);
  await eventPhase(port, persistence, baseline);
  await listPhase(port);
  results.phases.lag = [];
  for (const n of LAG_ROUNDS) results.phases.lag.push(await lagRound(port, n, alerts, persistence));

  const failedAlerts = await failedCount(alerts);
  if (failedAlerts > 0) problem(`${failedAlerts} alert jobs failed (see Bull Board / bench/api.log)`);
  const apiErrors = tail(path.join(BENCH, 'api.log'), 100000)
    .split('\n')
    .filter((l) => /\bERROR\b/.test(l));
  if (apiErrors.length > 0) problem(`${apiErrors.length} ERROR lines in bench/api.log, first: ${apiErrors[0].slice(0, 300)}`);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    log(`${signal}: stopping children and cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  exitCode = 1;
  problem(`run failed: ${error?.stack ?? error}`);
} finally {
  await cleanup();
  results.finishedAt = new Date().toISOString();
  results.totalSeconds = round((Date.now() - t0) / 1000, 1);
  results.loadavgAtEnd = os.loadavg().map((x) => round(x, 2));
  fs.writeFileSync(path.join(BENCH, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  printTable();
}
process.exit(exitCode);
