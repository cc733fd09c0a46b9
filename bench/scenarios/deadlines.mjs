// Deadline detection at scale: 1M monitored services, 10k of them due in the same second, and the lag from
// each deadline to its `down` job in the alerts queue, while pulses run (their p99 compared with the same
// load just before, when nothing dies).
import { createHash } from 'node:crypto';
import { startStack, withApi } from '../lib/api.mjs';
import { detail, fail, note, pick, run, sleep } from '../lib/context.mjs';
import { metric } from '../lib/report.mjs';
import { latencySummary, median, round } from '../lib/stats.mjs';
import { countRows, failedJobs, waitForCount, waitQueuesIdle } from '../lib/stores.mjs';
import { checkLoad, fillServices, load, summarize, WRK_TIMEOUT, wrk } from '../lib/wrk.mjs';

/** AlertsService's job id of a death: `down-` + the first 32 hex of sha256(kind \0 service \0 expected). */
const downJobId = (service, expected) =>
  `down-${createHash('sha256')
    .update(['down', service, `${expected}`].join('\u0000'))
    .digest('hex')
    .slice(0, 32)}`;

/** The down job of every service in `deaths` (service -> expected): service -> job timestamp in ms. */
async function findDownJobs(stores, alerts, deaths, timeoutMs) {
  const found = new Map();
  const giveUp = Date.now() + timeoutMs;
  for (;;) {
    const pending = [...deaths.keys()].filter((s) => !found.has(s));
    const pipeline = stores.redis.pipeline();
    for (const s of pending)
      pipeline.hmget(`${stores.prefix}:alerts:${downJobId(s, deaths.get(s))}`, 'name', 'timestamp');
    const replies = await pipeline.exec();
    replies.forEach(([error, [name, timestamp]], i) => {
      if (!error && name === 'down' && timestamp) found.set(pending[i], Number(timestamp));
    });
    if (found.size === deaths.size || Date.now() > giveUp) break;
    await sleep(250);
  }
  if (found.size < deaths.size) {
    // not under the expected id: an id scheme change, or truly missing
    const jobs = await alerts.getJobs(
      ['completed', 'failed', 'wait', 'active', 'delayed', 'prioritized', 'paused'],
      0,
      -1,
    );
    let otherIds = 0;
    for (const job of jobs) {
      const s = job?.data?.service;
      if (job?.name === 'down' && deaths.has(s) && !found.has(s)) {
        found.set(s, job.timestamp);
        otherIds++;
      }
    }
    if (otherIds > 0) fail(`${otherIds} down jobs found under an unexpected job id`);
  }
  return found;
}

/**
 * `runs` times: pulses alone, then `dueCount` services due in one second and the same pulses while they die; each
 * run's lag and pulse figures. `api` is the process the pulses reach (its CPU is measured).
 */
async function measure({ topology, prefix, runs, dueCount, refSeconds, stack, stores, alerts, api, commands }) {
  const env = { WT_SERVICES: 10_000 };
  const cpu = [{ name: 'api', pid: api }];
  const perRun = [];
  const persistence = stores.queue('persistence');
  await wrk({
    label: `${topology}: pulse warm-up`,
    args: load(100, 1),
    script: 'pulse.lua',
    url: `${stack.url}/`,
    env,
  });
  for (let r = 1; r <= runs; r++) {
    // the last run's deliveries and rows first: "before" must be pulses alone
    const idle = await waitQueuesIdle([alerts, persistence], 120_000);
    if (idle === null) note(`${topology} run ${r}: the alerts and persistence queues were still busy after 120 s`);
    const before = await wrk({
      label: `${topology}: pulses before #${r}`,
      args: load(100, refSeconds),
      script: 'pulse.lua',
      url: `${stack.url}/`,
      env,
      cpu,
    });
    checkLoad(`${topology}: pulses before #${r}`, before);
    const dueAt = Math.floor(Date.now() / 1000) + pick(3, 5);
    const deaths = new Map();
    const due = await wrk({
      label: `${topology}: ${dueCount} due at ${dueAt} #${r}`,
      args: ['-t1', '-c100', '-d60s', ...WRK_TIMEOUT],
      script: 'due.lua',
      url: `${stack.url}/`,
      env: { WT_COUNT: dueCount, WT_DUE_AT: dueAt, WT_SERVICE_PREFIX: `${prefix}${r}-` },
      untilLine: 'FILLDONE',
      onLine: (line) => {
        const [word, service, expected] = line.split(' ');
        if (word === 'DUE') deaths.set(service, Number(expected));
      },
    });
    if (due.got !== dueCount || due.bad > 0)
      fail(`${topology}: due pulses #${r}: ${due.got}/${dueCount} replies, ${due.bad} non-2xx`);
    const dueDoneAt = Date.now() / 1000;
    if (dueDoneAt > dueAt)
      note(
        `${topology} run ${r}: the ${dueCount} due pulses took until ${round(dueDoneAt - dueAt, 2)} s after their deadline second began`,
      );
    const sameSecond = [...deaths.values()].filter((e) => e === dueAt).length;
    // the load covers the deaths (at dueAt + 1) and the seconds after
    const during = await wrk({
      label: `${topology}: pulses during deaths #${r}`,
      args: load(100, Math.max(2, Math.ceil(dueAt + 1 - Date.now() / 1000)) + pick(3, 5)),
      script: 'pulse.lua',
      url: `${stack.url}/`,
      env,
      cpu,
    });
    checkLoad(`${topology}: pulses during deaths #${r}`, during);
    const found = await findDownJobs(stores, alerts, deaths, 15_000);
    const missing = deaths.size - found.size;
    if (missing > 0) fail(`${topology} run ${r}: no down job for ${missing} of ${deaths.size} dead services`);
    const lags = [...found.entries()].map(([s, ms]) => ms / 1000 - (deaths.get(s) + 1));
    const early = lags.filter((l) => l < 0).length;
    if (early > 0)
      fail(
        `${topology} run ${r}: ${early} services declared dead before expected + 1 (min ${Math.min(...lags).toFixed(3)} s)`,
      );
    if (r === 1) commands.push(before.command, due.command);
    const lag = latencySummary(lags.map((s) => s * 1000));
    perRun.push({
      dueAt,
      sameSecond,
      deaths: deaths.size,
      downJobs: found.size,
      missing,
      lagMs: lag,
      before: summarize(before),
      during: summarize(during),
    });
    detail(
      `${topology} #${r}: ${sameSecond}/${dueCount} due in the same second; lag p50 ${lag.p50} ms, p99 ${lag.p99} ms; pulse p99 ${before.p99ms.toFixed(1)} -> ${during.p99ms.toFixed(1)} ms`,
    );
  }
  return perRun;
}

export default {
  name: 'deadlines',
  description:
    '1,000,000 services filled by pulses (nextIn 3600, `--deadline-services=N`), then 10,000 more pulsed with the ' +
    'nextIn that puts all their deadlines in one second (bench/due.lua); lag = timestamp of each `down` job in the ' +
    'alerts queue - (expected + 1), while `wrk -t1 -c100` pulses run over 10,000 other services. Their p99 is ' +
    'compared with the same load just before.',
  async run({ runs }) {
    const services = run.options.deadlineServices ?? pick(20_000, 1_000_000);
    const dueCount = pick(1000, 10_000);
    const refSeconds = pick(3, 10);
    const perRun = [];
    const splitRuns = [];
    const commands = [];
    // room for both topologies' due services
    const stackEnv = { HEARTBEAT_MAX_SERVICES: String(services + (2 * runs + 1) * dueCount + 20_000) };
    let filled = null;
    let settle = null;
    await withApi('deadlines', { env: stackEnv }, async (stack, stores) => {
      commands.push(...stack.commands);
      const pg = await stores.connectPg();
      const alerts = stores.queue('alerts');
      const failedBefore = await failedJobs(alerts);
      const monitored = services - dueCount;
      filled = await fillServices(stack.url, { count: monitored });
      commands.push(filled.command);
      // the fill's writes to PostgreSQL first, so that they do not run during the measurement
      settle = await waitForCount(() => countRows(pg, 'heartbeats'), monitored, pick(60_000, 900_000), 1000);
      if (!settle.reached)
        note(
          `only ${settle.value} of ${monitored} heartbeat rows in PostgreSQL after ${Math.round(settle.ms / 1000)} s; measuring anyway`,
        );
      detail(
        `filled ${monitored} services in ${filled.ms} ms (${filled.perS}/s); PostgreSQL caught up ${settle.ms} ms later`,
      );
      perRun.push(
        ...(await measure({
          topology: 'ROLE=all',
          prefix: 'due',
          runs,
          dueCount,
          refSeconds,
          stack,
          stores,
          alerts,
          api: stack.pid('all'),
          commands,
        })),
      );
      // the same stores, the sweeper and the deliveries in a worker process of their own
      await stack.stop();
      const split = await startStack(stores, { roles: ['api', 'worker'], env: stackEnv, tag: 'deadlines-split' });
      try {
        splitRuns.push(
          ...(await measure({
            topology: 'api + worker',
            prefix: 'split',
            runs,
            dueCount,
            refSeconds,
            stack: split,
            stores,
            alerts,
            api: split.pid('api'),
            commands: [],
          })),
        );
      } finally {
        split.check();
        await split.stop();
      }
      const failed = (await failedJobs(alerts)) - failedBefore;
      if (failed > 0) fail(`${failed} alert jobs failed`);
    });
    const rows = [
      metric(
        `detection lag p99 (${dueCount.toLocaleString('en-US')} due in one second, ${services.toLocaleString('en-US')} services)`,
        perRun.map((r) => r.lagMs.p99 / 1000),
        {
          unit: ' s',
          digits: 3,
          target: { op: '<=', value: 1 },
          extra: `p50 ${round(median(perRun.map((r) => r.lagMs.p50)) / 1000, 3)} s, max ${round(Math.max(...perRun.map((r) => r.lagMs.max)) / 1000, 3)} s; ${perRun.map((r) => r.sameSecond).join('/')} due in the same second`,
        },
      ),
      metric(
        'missing down jobs',
        perRun.map((r) => r.missing),
        { target: { op: '<=', value: 0, text: '0' }, worst: true },
      ),
      metric(
        'pulse p99 while they die / just before',
        perRun.map((r) => r.during.p99ms / r.before.p99ms),
        {
          unit: 'x',
          digits: 2,
          target: { op: '<=', value: 1.25, text: '<= 1.25x (unchanged, within noise)' },
          extra: `${round(median(perRun.map((r) => r.during.p99ms)), 1)} ms vs ${round(median(perRun.map((r) => r.before.p99ms)), 1)} ms`,
        },
      ),
      metric(
        'api + worker: detection lag p99 (the same stores, the sweeper in the worker)',
        splitRuns.map((r) => r.lagMs.p99 / 1000),
        { unit: ' s', digits: 3, extra: `p50 ${round(median(splitRuns.map((r) => r.lagMs.p50)) / 1000, 3)} s` },
      ),
      metric(
        'api + worker: pulse p99 while they die / just before',
        splitRuns.map((r) => r.during.p99ms / r.before.p99ms),
        {
          unit: 'x',
          digits: 2,
          extra: `${round(median(splitRuns.map((r) => r.during.p99ms)), 1)} ms vs ${round(median(splitRuns.map((r) => r.before.p99ms)), 1)} ms`,
        },
      ),
    ];
    return {
      rows,
      metrics: { services, dueCount, fill: filled, persistedAfterFillMs: settle?.ms, perRun, splitRuns },
      commands,
      summary: `lag p99 ${rows[0].value} s at ${services.toLocaleString('en-US')} services; pulse p99 ${rows[2].display}`,
    };
  },
};
