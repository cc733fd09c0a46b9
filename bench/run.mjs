#!/usr/bin/env node
// Watchtower benchmark: `npm run bench` (every scenario, each the median of 3 runs or more, then
// bench/results/<date>.json and bench/RESULTS.md) or `npm run bench -- --quick` (one short run of each, small
// N, about 2 minutes; bench/results/quick.json; targets shown, never enforced). Exit 1 on a harness error (a
// crash, a lost event, errors where none may be), in full mode 2 when only targets were missed.
//
// Needs wrk (apt install wrk), PostgreSQL and Redis (BENCH_DATABASE_URL / BENCH_REDIS_URL, see lib/stores.mjs).
// Each scenario (bench/scenarios/*.mjs) runs the built API as separate processes in production mode on a
// database and Redis prefix of its own, removed at its end; every child process is stopped on exit.
//
// Options: --quick, --runs=N, --only=a,b / --skip=a,b (scenario names), --list-events-rows=N, --agents=N,
// --deadline-services=N, --no-build, --verbose.
import os from 'node:os';
import Redis from 'ioredis';
import pg from 'pg';
import { build, closeHttpAgent } from './lib/api.mjs';
import { elapsed, fail, log, run } from './lib/context.mjs';
import { cleanupAll } from './lib/processes.mjs';
import { machineInfo, printTable, resultsFile, textRow, writeJson, writeResultsMd } from './lib/report.mjs';
import { round } from './lib/stats.mjs';
import { ADMIN_DATABASE_URL, REDIS_URL } from './lib/stores.mjs';
import { wrkVersion } from './lib/wrk.mjs';
import agentCost from './scenarios/agent-cost.mjs';
import agents from './scenarios/agents.mjs';
import deadlineChoice from './scenarios/deadline-choice.mjs';
import deadlines from './scenarios/deadlines.mjs';
import { eventsAll, eventsSplit } from './scenarios/events.mjs';
import listEvents from './scenarios/list-events.mjs';
import listHeartbeats from './scenarios/list-heartbeats.mjs';
import pulses from './scenarios/pulses.mjs';
import scaleOut from './scenarios/scale-out.mjs';
import sameService from './scenarios/same-service.mjs';
import validation from './scenarios/validation.mjs';

const SCENARIOS = [
  pulses,
  sameService,
  eventsAll,
  eventsSplit,
  scaleOut,
  listEvents,
  listHeartbeats,
  deadlines,
  // before agents: right after them, the real agent's collectors would parse the 10,000 sockets still closing
  agentCost,
  agents,
  validation,
  deadlineChoice,
];

/** What the table asks that this harness does not measure, and why (RESULTS.md says so). */
const NOT_MEASURED = [
  'agent cost: the real agent runs once for its 5 minutes, not three times (the collection cycle alone, the rows ' +
    'after it, is measured three times).',
];

function parseArgs(argv) {
  const options = { quick: false, verbose: false, build: true, runs: null, only: null, skip: [] };
  for (const arg of argv) {
    const [name, value] = arg.split('=');
    const int = () => {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive integer`);
      return n;
    };
    if (name === '--quick') options.quick = true;
    else if (name === '--verbose') options.verbose = true;
    else if (name === '--no-build') options.build = false;
    else if (name === '--runs') options.runs = int();
    else if (name === '--only') options.only = value.split(',');
    else if (name === '--skip') options.skip = value.split(',');
    else if (name === '--list-events-rows') options.listEventsRows = int();
    else if (name === '--agents') options.agents = int();
    else if (name === '--deadline-services') options.deadlineServices = int();
    else throw new Error(`unknown option ${arg}`);
  }
  const names = SCENARIOS.map((s) => s.name);
  for (const n of [...(options.only ?? []), ...options.skip])
    if (!names.includes(n)) throw new Error(`unknown scenario ${n} (${names.join(', ')})`);
  return options;
}

async function main(results) {
  if (!wrkVersion()) throw new Error('wrk not found: apt install wrk');
  build({ skip: !run.options.build });
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  Object.assign(results, await machineInfo(admin, redis));
  await admin.end();
  redis.disconnect();

  const runs = run.options.runs ?? (run.options.quick ? 1 : 3);
  const selected = SCENARIOS.filter(
    (s) => (run.options.only ? run.options.only.includes(s.name) : true) && !run.options.skip.includes(s.name),
  );
  for (const scenario of selected) {
    run.scenario = scenario.name;
    const started = elapsed();
    log(`${scenario.name}: ${runs} run${runs > 1 ? 's' : ''}...`);
    const entry = {
      name: scenario.name,
      description: scenario.description,
      runs,
      seconds: null,
      rows: [],
      metrics: null,
      commands: [],
    };
    results.scenarios.push(entry);
    try {
      const outcome = await scenario.run({ runs });
      Object.assign(entry, { rows: outcome.rows, metrics: outcome.metrics, commands: outcome.commands });
      log(`${scenario.name}: ${outcome.summary} (${Math.round(elapsed() - started)} s)`);
    } catch (error) {
      fail(`crashed: ${error?.stack ?? error}`);
      entry.rows = [textRow('(scenario)', `crashed: ${String(error?.message ?? error).split('\n')[0]}`, '', false)];
    }
    entry.seconds = round(elapsed() - started, 1);
    run.scenario = null;
  }
}

const options = (() => {
  try {
    return parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
})();
run.options = options;
const results = {
  startedAt: new Date().toISOString(),
  mode: options.quick ? 'quick' : 'full',
  // RESULTS.md shows every scenario at 3 runs or more; a narrower full run leaves it alone
  partial: Boolean(options.only || options.skip.length || (options.runs !== null && options.runs < 3)),
  options,
  machine: null,
  code: null,
  scenarios: [],
  errors: run.errors,
  notes: run.notes,
};

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    log(`${signal}: stopping children and cleaning up`);
    void cleanupAll().finally(() => process.exit(130));
  });
}
// a run that hangs still ends, cleaned up
const watchdog = setTimeout(
  () => {
    fail(`run exceeded ${options.quick ? 6 : 120} min: aborting`);
    void cleanupAll().then(() => process.exit(1));
  },
  (options.quick ? 6 : 120) * 60_000,
);
watchdog.unref();

try {
  await main(results);
} catch (error) {
  fail(`run failed: ${error?.stack ?? error}`);
} finally {
  await cleanupAll();
  closeHttpAgent();
}
results.finishedAt = new Date().toISOString();
results.totalSeconds = round(elapsed(), 1);
results.loadavgAtEnd = os.loadavg().map((x) => round(x, 2));
results.file = resultsFile(results);
writeJson(results);
if (results.mode === 'full' && !results.partial && results.machine) writeResultsMd(results, { missing: NOT_MEASURED });
printTable(results);
const missed = results.scenarios.some((s) => s.rows.some((r) => r.pass === false));
process.exit(run.errors.length > 0 ? 1 : results.mode === 'full' && missed ? 2 : 0);
