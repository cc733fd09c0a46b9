// Two ROLE=api processes and one ROLE=worker on the same Redis and PostgreSQL, each API driven by its own wrk at
// the same time: pulses, then events until all are in PostgreSQL. On one 2-core machine the extra process cannot
// add throughput (every process, wrk and the stores share the same two cores), so what this scenario reports is
// the CPU each item costs in each process, next to the single-process rows of `pulses` and `events-split`.
import { withApi } from '../lib/api.mjs';
import { detail, fail, pick } from '../lib/context.mjs';
import { cpuBetween, cpuSnapshot } from '../lib/cpu.mjs';
import { metric } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';
import { countRows, waitDbQuiet, waitForCount } from '../lib/stores.mjs';
import { checkLoad, load, WRK_TIMEOUT, wrk } from '../lib/wrk.mjs';

const ROLES = ['api', 'api', 'worker'];
const SERVICES_EACH = 5000;
const DRAIN_TIMEOUT_MS = 180_000;

function cpuTargets(stack, stores, pg) {
  const [api1, api2] = stack.pids('api');
  return [
    { name: 'api 1', pid: api1 },
    { name: 'api 2', pid: api2 },
    { name: 'worker', pid: stack.pid('worker') },
    { name: 'postgres', pg, db: stores.dbName },
    { name: 'redis', redis: stores.redis },
  ];
}

/** µs of CPU per item of every target, from a cpuBetween() result. */
function perItem(cpu, items) {
  return Object.fromEntries(
    Object.entries(cpu).map(([n, c]) => [n, c.seconds === null ? null : (c.seconds * 1e6) / items]),
  );
}

async function pulsesRun(stack, targets, seconds, label) {
  const before = await cpuSnapshot(targets);
  const reports = await Promise.all(
    stack.ports.map(async (port, i) =>
      wrk({
        label: `${label} api ${i + 1}`,
        args: load(50, seconds),
        script: 'pulse.lua',
        url: `http://127.0.0.1:${port}/`,
        env: { WT_SERVICES: SERVICES_EACH, WT_SERVICE_PREFIX: `so${i}-` },
      }),
    ),
  );
  const cpu = cpuBetween(before, await cpuSnapshot(targets));
  reports.forEach((r, i) => checkLoad(`${label} api ${i + 1}`, r));
  const requests = reports.reduce((n, r) => n + r.requests, 0);
  return {
    rps: reports.reduce((n, r) => n + r.rps, 0),
    p99ms: Math.max(...reports.map((r) => r.p99ms)),
    cpu: perItem(cpu, requests),
    command: reports.map((r) => r.command).join(' & '),
  };
}

async function eventsRun(stack, pg, targets, count, label) {
  await pg.query('TRUNCATE events RESTART IDENTITY');
  const before = await cpuSnapshot(targets);
  const started = Date.now();
  const reports = await Promise.all(
    stack.ports.map(async (port, i) =>
      wrk({
        label: `${label} api ${i + 1}`,
        args: ['-t1', '-c50', `-d${Math.ceil(count / 2000) + 60}s`, ...WRK_TIMEOUT],
        script: 'event.lua',
        url: `http://127.0.0.1:${port}/add-event`,
        env: { WT_COUNT: count / 2, WT_TAG: `${label.replace(/\W/g, '')}-${i}` },
        untilLine: 'FILLDONE',
      }),
    ),
  );
  const acknowledged = reports.reduce((n, r) => n + r.ok, 0);
  if (acknowledged !== count) fail(`${label}: ${acknowledged} of ${count} events acknowledged`);
  const drained = await waitForCount(() => countRows(pg, 'events'), count, DRAIN_TIMEOUT_MS, 100);
  const doneAt = Date.now();
  const cpu = cpuBetween(before, await cpuSnapshot(targets));
  if (!drained.reached) fail(`${label}: only ${drained.value} of ${count} events in PostgreSQL`);
  await waitDbQuiet(pg, 10_000);
  const { rows } = await pg.query('SELECT count(*)::int AS rows, count(DISTINCT message)::int AS distinct FROM events');
  const lost = acknowledged - rows[0].distinct;
  const duplicated = rows[0].rows - rows[0].distinct;
  if (lost > 0) fail(`${label}: ${lost} acknowledged events never reached PostgreSQL`);
  if (duplicated > 0) fail(`${label}: ${duplicated} events stored twice`);
  return {
    endToEndPerS: count / ((doneAt - started) / 1000),
    lost,
    duplicated,
    cpu: perItem(cpu, count),
    command: reports.map((r) => r.command).join(' & '),
  };
}

const cpuText = (runs) =>
  Object.keys(runs[0].cpu)
    .map((n) => `${n} ${median(runs.map((r) => r.cpu[n]))?.toFixed(1)}`)
    .join(', ');
const cpuTotal = (run) => Object.values(run.cpu).reduce((sum, v) => sum + (v ?? 0), 0);

export default {
  name: 'scale-out',
  description:
    'Two ROLE=api processes and one ROLE=worker on the same stores; each API gets its own `wrk -t1 -c50` at the same ' +
    'time: pulses over 5,000 services each, then add-event until every event is in PostgreSQL (lost, duplicated). ' +
    'CPU per item in each process: on 2 cores the extra process buys no throughput, it only moves the work.',
  async run({ runs }) {
    const seconds = pick(2, 10);
    const count = pick(20_000, 200_000);
    const pulseRuns = [];
    const eventRuns = [];
    const commands = [];
    await withApi('scale_out', { roles: ROLES }, async (stack, stores) => {
      commands.push(...stack.commands);
      const pg = await stores.connectPg();
      const targets = cpuTargets(stack, stores, pg);
      await pulsesRun(stack, [], pick(1, 3), 'scale-out pulses warm-up');
      for (let r = 1; r <= runs; r++) {
        const p = await pulsesRun(stack, targets, seconds, `scale-out pulses #${r}`);
        pulseRuns.push(p);
        if (r === 1) commands.push(p.command);
        detail(`pulses #${r}: ${Math.round(p.rps)}/s over both APIs, p99 ${p.p99ms.toFixed(1)} ms`);
      }
      await eventsRun(stack, pg, [], pick(2000, 20_000), 'scale-out events warm-up');
      for (let r = 1; r <= runs; r++) {
        const e = await eventsRun(stack, pg, targets, count, `scale-out events #${r}`);
        eventRuns.push(e);
        if (r === 1) commands.push(e.command);
        detail(`events #${r}: end to end ${Math.round(e.endToEndPerS)}/s`);
      }
    });
    const rows = [
      metric(
        'pulses per s, both APIs together',
        pulseRuns.map((r) => r.rps),
        { unit: '/s', extra: `p99 ${pulseRuns.map((r) => r.p99ms.toFixed(1)).join('/')} ms` },
      ),
      metric('CPU per pulse, all processes', pulseRuns.map(cpuTotal), {
        unit: ' µs',
        digits: 1,
        extra: cpuText(pulseRuns),
      }),
      metric(
        `events end to end per s (${count.toLocaleString('en-US')} into PostgreSQL)`,
        eventRuns.map((r) => r.endToEndPerS),
        { unit: '/s' },
      ),
      metric(
        'events lost + duplicated',
        eventRuns.map((r) => r.lost + r.duplicated),
        { target: { op: '<=', value: 0, text: '0' }, worst: true },
      ),
      metric('CPU per event, all processes', eventRuns.map(cpuTotal), {
        unit: ' µs',
        digits: 1,
        extra: cpuText(eventRuns),
      }),
    ];
    return {
      rows,
      metrics: { roles: ROLES, pulseRuns, eventRuns },
      commands,
      summary: `pulses ${Math.round(rows[0].value).toLocaleString('en-US')}/s, events ${Math.round(rows[2].value).toLocaleString('en-US')}/s end to end`,
    };
  },
};
