// The system under test: the built API, started as separate processes in production mode (ROLE=all, or one
// ROLE=api plus one ROLE=worker) on a scenario's stores, and an HTTP client for the runner's own requests.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { detail, fail, LOGS, log, ROOT, run, sleep } from './context.mjs';
import { freePort, isRunning, spawnTracked, stopChild, tail } from './processes.mjs';
import { createStores, REDIS_URL } from './stores.mjs';

// `npm run build` writes dist/apps/api/src/main.js; older build scripts (--strip-leading-paths) wrote dist/api/src/main.js.
const API_MAIN_CANDIDATES = ['dist/apps/api/src/main.js', 'dist/api/src/main.js'];
export let API_MAIN = API_MAIN_CANDIDATES[0];

export function build({ skip }) {
  if (skip) {
    log('--no-build: using the existing dist/');
  } else {
    log('npm run build');
    const result = spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status})`);
  }
  API_MAIN = API_MAIN_CANDIDATES.find((p) => fs.existsSync(path.join(ROOT, p)));
  if (!API_MAIN) throw new Error(`no build output: none of ${API_MAIN_CANDIDATES.join(', ')} (run npm run build)`);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });

/** One request from the runner: { status, body (parsed JSON when possible), bytes, ms }. `raw` skips parsing. */
export function request(port, method, urlPath, body, { raw = false, headers = {} } = {}) {
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
          password: run.password,
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        let bytes = 0;
        res.on('data', (chunk) => {
          bytes += chunk.length;
          if (!raw) chunks.push(chunk);
        });
        res.on('end', () => {
          const ms = performance.now() - started;
          let parsed = null;
          if (!raw) {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = text;
            }
          }
          resolve({ status: res.statusCode, body: parsed, bytes, ms });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export function closeHttpAgent() {
  agent.destroy();
}

export async function mapLimit(items, limit, fn) {
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

/** The command line a reader can rerun, the password replaced by $WT_PASSWORD. */
function shownCommand(env, args) {
  const vars = Object.entries(env)
    .map(([k, v]) => `${k}=${k.endsWith('PASSWORD') ? '$WT_PASSWORD' : v}`)
    .join(' ');
  return `${vars} node ${[API_MAIN, ...args].join(' ')}`;
}

/**
 * Starts the API on `stores`: roles ['all'], ['api', 'worker'] or ['api', 'api', 'worker'] (the API first, so that
 * it alone runs the migrations of the fresh database; each further API process on a port of its own, in
 * `stack.ports`). Resolves once every process is ready.
 */
/** Extra node flags for the API processes, e.g. BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
const NODE_ARGS = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);

export async function startStack(stores, { roles = ['all'], env: extra = {}, tag }) {
  fs.mkdirSync(LOGS, { recursive: true });
  const port = await freePort();
  const processes = [];
  const stack = {
    port,
    url: `http://127.0.0.1:${port}`,
    processes,
    commands: [],
    ports: [],
    pid: (role) => processes.find((p) => p.role === role)?.proc.pid,
    /** Every process of a role, in start order. */
    pids: (role) => processes.filter((p) => p.role === role).map((p) => p.proc.pid),
    stopping: false,
    stop: async () => {
      stack.stopping = true;
      // the worker first: the API's last acknowledged writes are already in the queue
      for (const p of [...processes].reverse()) await stopChild(p.proc);
    },
    /** ERROR lines the processes logged, and any process that died: each a harness error. */
    check: () => {
      for (const p of processes) {
        const errors = tail(p.log, 100_000)
          .split('\n')
          .filter((l) => /\bERROR\b/.test(l));
        if (errors.length > 0)
          fail(`${errors.length} ERROR lines in ${path.relative(ROOT, p.log)}, first: ${errors[0].slice(0, 300)}`);
      }
    },
  };
  for (const [index, role] of roles.entries()) {
    const listens = role !== 'worker';
    const ownPort = listens ? (stack.ports.length === 0 ? port : await freePort()) : port;
    if (listens) stack.ports.push(ownPort);
    const env = {
      NODE_ENV: 'production',
      ROLE: role,
      WATCHTOWER_PASSWORD: run.password,
      DATABASE_URL: stores.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: stores.prefix,
      PORT: String(ownPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      AUTH_FAILURES_PER_MINUTE: '0',
      NO_COLOR: '1',
      ...extra,
    };
    const twin =
      roles.filter((r) => r === role).length > 1 ? `${roles.slice(0, index + 1).filter((r) => r === role).length}` : '';
    const logPath = path.join(LOGS, `${tag}-${role}${twin}.log`);
    const out = fs.openSync(logPath, 'w');
    const proc = spawnTracked(`api ${role}`, process.execPath, [...NODE_ARGS, API_MAIN], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    const entry = { role, proc, log: logPath, exited: null };
    proc.on('exit', (code, signal) => {
      entry.exited = { code, signal };
      if (!stack.stopping)
        fail(
          `API process (ROLE=${role}) exited during the run (code ${code}, signal ${signal}); see ${path.relative(ROOT, logPath)}`,
        );
    });
    processes.push(entry);
    stack.commands.push(`${shownCommand(env, [])}   # log: ${path.relative(ROOT, logPath)}`);
    detail(`ROLE=${role} on :${port} (pid ${proc.pid}, log ${path.relative(ROOT, logPath)})`);
    if (role === 'worker') await waitWorkerReady(entry, stores);
    else await waitHttpReady(entry, ownPort);
  }
  return stack;
}

async function waitHttpReady(entry, port) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (entry.exited)
      throw new Error(
        `API (ROLE=${entry.role}) exited during startup (${JSON.stringify(entry.exited)}):\n${tail(entry.log, 20)}`,
      );
    try {
      const res = await request(port, 'GET', '/hello');
      if (res.status === 200) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline)
      throw new Error(`API (ROLE=${entry.role}) not ready after 60 s:\n${tail(entry.log, 20)}`);
    await sleep(200);
  }
}

/** A worker has no port: it is ready once its queue consumers (persistence, alerts) are registered in Redis. */
async function waitWorkerReady(entry, stores) {
  const queues = [stores.queue('persistence'), stores.queue('alerts')];
  const count = () => Promise.all(queues.map((q) => q.getWorkersCount()));
  const before = await count();
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (entry.exited)
      throw new Error(`worker exited during startup (${JSON.stringify(entry.exited)}):\n${tail(entry.log, 20)}`);
    const now = await count();
    if (now.every((n, i) => n > before[i])) return;
    if (Date.now() > deadline) throw new Error(`worker not ready after 60 s:\n${tail(entry.log, 20)}`);
    await sleep(200);
  }
}

/**
 * Fresh stores, the API on them, `fn(stack, stores)`, then (whatever happened) the processes' logs checked,
 * the processes stopped and the stores dropped.
 */
export async function withApi(tag, options, fn) {
  const stores = await createStores(tag);
  let stack = null;
  try {
    stack = await startStack(stores, { ...options, tag });
    return await fn(stack, stores);
  } finally {
    if (stack) {
      stack.check();
      await stack.stop();
    }
    await stores.drop();
  }
}

export { isRunning };

/** Enrolls `n` agents through the API: their keys, in order. */
export async function enroll(port, n) {
  const keys = await mapLimit(
    Array.from({ length: n }, (_, i) => i),
    20,
    async (i) => {
      const res = await request(port, 'POST', '/api/v1/agents', { name: `bench-agent-${i}` });
      if (res.status !== 200 || typeof res.body?.key !== 'string')
        throw new Error(`enrolling agent ${i}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.key;
    },
  );
  return keys;
}
