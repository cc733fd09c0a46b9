// POST /add-event until every acknowledged event is in PostgreSQL: the API's acceptance rate, the end-to-end
// rate the persistence worker sustains, and what each event costs in every process. Twice: ROLE=all (one
// process does both halves) and one ROLE=api plus one ROLE=worker process.
import { withApi } from '../lib/api.mjs';
import { detail, fail, pick } from '../lib/context.mjs';
import { cpuBetween, cpuSnapshot } from '../lib/cpu.mjs';
import { metric } from '../lib/report.mjs';
import { median } from '../lib/stats.mjs';
import { countRows, failedJobs, waitDbQuiet, waitForCount } from '../lib/stores.mjs';
import { WRK_TIMEOUT, wrk } from '../lib/wrk.mjs';

const DRAIN_TIMEOUT_MS = 180_000;

async function maxId(pg) {
  return Number((await pg.query('SELECT coalesce(max(id), 0)::bigint AS n FROM events')).rows[0].n);
}

/** Sends `count` events; resolves when all are in PostgreSQL (or the drain timed out). */
async function oneRun({ stack, pg, count, tag, cpuTargets, label }) {
  // every run on an empty table: the indexes' size would otherwise grow from run to run
  await pg.query('TRUNCATE events RESTART IDENTITY');
  const before = await cpuSnapshot(cpuTargets);
  const started = Date.now();
  const report = await wrk({
    label,
    args: ['-t1', '-c100', `-d${Math.ceil(count / 2000) + 60}s`, ...WRK_TIMEOUT],
    script: 'event.lua',
    url: `${stack.url}/add-event`,
    env: { WT_COUNT: count, WT_TAG: tag },
    untilLine: 'FILLDONE',
  });
  const acceptedAt = Date.now();
  // max(id) is one index probe: cheap to poll often; the exact count confirms it
  await waitForCount(() => maxId(pg), count, DRAIN_TIMEOUT_MS, 20);
  const drained = await waitForCount(
    () => countRows(pg, 'events'),
    count,
    Math.max(1000, DRAIN_TIMEOUT_MS - (Date.now() - acceptedAt)),
    100,
  );
  const doneAt = Date.now();
  const cpu = cpuBetween(before, await cpuSnapshot(cpuTargets));
  // anything still on its way (a retried batch) lands before the rows are counted for good
  await waitDbQuiet(pg, 10_000);
  const { rows } = await pg.query('SELECT count(*)::int AS rows, count(DISTINCT message)::int AS distinct FROM events');
  const stored = rows[0];
  const acknowledged = report.ok;
  const result = {
    sent: report.sent,
    acknowledged,
    non2xx: report.non2xx,
    socketErrors: report.errors.connect + report.errors.read + report.errors.write + report.errors.timeout,
    acceptedPerS: acknowledged / (report.duration_us / 1e6),
    endToEndPerS: drained.reached ? count / ((doneAt - started) / 1000) : NaN,
    drainAfterLastAckMs: drained.reached ? doneAt - acceptedAt : null,
    p99ms: report.latency_us.p99 / 1000,
    rows: stored.rows,
    lost: acknowledged - stored.distinct,
    duplicated: stored.rows - stored.distinct,
    cpuUsPerEvent: Object.fromEntries(
      Object.entries(cpu).map(([n, c]) => [n, c.seconds === null ? null : (c.seconds * 1e6) / count]),
    ),
    command: report.command,
  };
  if (acknowledged !== count || result.socketErrors > 0) {
    fail(
      `${label}: ${acknowledged} of ${count} events acknowledged (${report.non2xx} non-2xx, socket errors ${JSON.stringify(report.errors)})`,
    );
  }
  if (!drained.reached)
    fail(`${label}: only ${drained.value} of ${count} events in PostgreSQL after ${DRAIN_TIMEOUT_MS / 1000} s`);
  if (result.lost > 0) fail(`${label}: ${result.lost} acknowledged events never reached PostgreSQL`);
  if (result.duplicated > 0) fail(`${label}: ${result.duplicated} events stored twice`);
  return result;
}

function eventsScenario({ name, roles, target, description }) {
  return {
    name,
    description,
    async run({ runs }) {
      const count = pick(20_000, 200_000);
      const perRun = [];
      const commands = [];
      await withApi(name, { roles }, async (stack, stores) => {
        commands.push(...stack.commands);
        const pg = await stores.connectPg();
        const persistence = stores.queue('persistence');
        const cpuTargets = [
          ...roles.map((role) => ({ name: role === 'all' ? 'api+worker' : role, pid: stack.pid(role) })),
          { name: 'postgres', pg, db: stores.dbName },
          { name: 'redis', redis: stores.redis },
        ];
        const failedBefore = await failedJobs(persistence);
        await oneRun({ stack, pg, count: pick(2000, 20_000), tag: 'w', cpuTargets: [], label: `${name} warm-up` });
        for (let r = 1; r <= runs; r++) {
          const result = await oneRun({ stack, pg, count, tag: `r${r}`, cpuTargets, label: `${name} #${r}` });
          if (r === 1) commands.push(result.command);
          perRun.push(result);
          detail(
            `#${r}: accepted ${Math.round(result.acceptedPerS)}/s, end to end ${Math.round(result.endToEndPerS)}/s, drain ${result.drainAfterLastAckMs} ms after the last ack`,
          );
        }
        const failed = (await failedJobs(persistence)) - failedBefore;
        if (failed > 0) fail(`${failed} persistence jobs failed`);
      });
      const cpuNames = Object.keys(perRun[0]?.cpuUsPerEvent ?? {});
      const cpuMedian = (n) => median(perRun.map((r) => r.cpuUsPerEvent[n]));
      const total = perRun.map((r) => cpuNames.reduce((sum, n) => sum + (r.cpuUsPerEvent[n] ?? 0), 0));
      const drains = perRun.map((r) => r.drainAfterLastAckMs);
      const rows = [
        metric(
          `end to end per s (${count.toLocaleString('en-US')} events into PostgreSQL)`,
          perRun.map((r) => r.endToEndPerS),
          {
            unit: '/s',
            target,
            extra: `last row ${drains.join('/')} ms after the last ack`,
          },
        ),
        metric(
          'accepted per s (2xx)',
          perRun.map((r) => r.acceptedPerS),
          { unit: '/s', extra: `p99 ${perRun.map((r) => r.p99ms.toFixed(1)).join('/')} ms` },
        ),
        metric(
          'lost (acknowledged, not stored)',
          perRun.map((r) => r.lost),
          { target: { op: '<=', value: 0, text: '0' }, worst: true },
        ),
        metric(
          'duplicated',
          perRun.map((r) => r.duplicated),
          { target: { op: '<=', value: 0, text: '0' }, worst: true },
        ),
        metric('CPU per event, all processes', total, {
          unit: ' µs',
          digits: 1,
          extra: cpuNames.map((n) => `${n} ${cpuMedian(n)?.toFixed(1)}`).join(', '),
        }),
      ];
      return {
        rows,
        metrics: { count, roles, perRun },
        commands,
        summary: `end to end ${Math.round(rows[0].value).toLocaleString('en-US')}/s, accepted ${Math.round(rows[1].value).toLocaleString('en-US')}/s, ${rows[4].display}`,
      };
    },
  };
}

export const eventsAll = eventsScenario({
  name: 'events-all',
  roles: ['all'],
  target: { op: '>=', value: 15_000 },
  description:
    'POST /add-event (`wrk -t1 -c100`, 200,000 events, each message unique), one ROLE=all process; timed until the ' +
    'last row is in PostgreSQL, then rows counted (lost, duplicated). CPU per event from /proc for the API process ' +
    'and the backends of the bench database, INFO cpu for Redis (shared with other work).',
});

export const eventsSplit = eventsScenario({
  name: 'events-split',
  roles: ['api', 'worker'],
  target: { op: '>=', value: 25_000 },
  description: 'The same as events-all with one ROLE=api and one ROLE=worker process on the same stores.',
});
