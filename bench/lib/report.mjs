// What a run leaves behind: the final table on stdout, bench/results/<date>.json (quick.json in quick mode),
// and in full mode bench/RESULTS.md.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH, ROOT } from './context.mjs';
import { overRuns, round } from './stats.mjs';
import { wrkVersion } from './wrk.mjs';

const number = (x, digits = 0) =>
  Number.isFinite(x)
    ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
    : '-';

const compare = { '>=': (a, b) => a >= b, '<=': (a, b) => a <= b };

/**
 * One line of the table: the median of the runs' values with their range. `target`: { op: '>=' | '<=',
 * value, text? }; `worst`: judge the worst run instead of the median (a count that must be 0 in every run).
 */
export function metric(measure, values, { unit = '', digits = 0, target = null, worst = false, extra = '' } = {}) {
  const stat = overRuns(values);
  const fmt = (x) => `${number(x, digits)}${unit}`;
  let judged = stat.median;
  if (worst && target) judged = target.op === '<=' ? stat.max : stat.min;
  // no figure at all (every query refused, a drain that never ended) misses its target
  const pass = target ? Number.isFinite(judged) && compare[target.op](judged, target.value) : null;
  if (!Number.isFinite(stat.median)) {
    return {
      measure,
      target: target ? (target.text ?? `${target.op} ${number(target.value, digits)}${unit}`) : '',
      value: null,
      runs: values,
      spreadPct: 0,
      display: `not measured${extra ? `; ${extra}` : ''}`,
      pass,
    };
  }
  const range =
    values.length > 1 && stat.min !== stat.max
      ? ` (${fmt(stat.min)} to ${fmt(stat.max)}, spread ${stat.spreadPct} %)`
      : '';
  return {
    measure,
    target: target ? (target.text ?? `${target.op} ${number(target.value, digits)}${unit}`) : '',
    value: Number.isFinite(stat.median) ? round(stat.median, Math.max(digits, 3)) : null,
    runs: values.map((v) => (Number.isFinite(v) ? round(v, Math.max(digits, 3)) : v)),
    spreadPct: stat.spreadPct,
    display: `${fmt(worst && target ? judged : stat.median)}${worst && target && values.length > 1 ? ` (worst of ${values.length})` : range}${extra ? `; ${extra}` : ''}`,
    pass,
  };
}

/** A line with no figure of its own (a scenario that could not run, a measurement left out). */
export function textRow(measure, display, target = '', pass = null) {
  return { measure, target, value: null, runs: [], spreadPct: 0, display, pass };
}

export async function machineInfo(admin, redis) {
  const cpus = os.cpus();
  const git = (...args) =>
    (spawnSync('git', ['--no-optional-locks', ...args], { cwd: ROOT, encoding: 'utf8' }).stdout ?? '').trim();
  const dirty = git('status', '--porcelain', '--', 'apps', 'libs', 'package.json', 'package-lock.json');
  return {
    machine: {
      nproc: os.availableParallelism?.() ?? cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      kernel: `${os.type()} ${os.release()}`,
      loadavgAtStart: os.loadavg().map((x) => round(x, 2)),
      node: process.version,
      wrk: wrkVersion(),
      postgres: (await admin.query('SHOW server_version')).rows[0].server_version,
      redis: ((await redis.info('server')).match(/redis_version:(\S+)/) ?? [])[1] ?? 'unknown',
    },
    code: {
      commit: git('rev-parse', '--short', 'HEAD') || 'unknown',
      uncommittedApiFiles: dirty ? dirty.split('\n').length : 0,
    },
  };
}

function table(header, rows) {
  const widths = header.map((_, c) => Math.max(...[header, ...rows].map((r) => String(r[c]).length)));
  const fmt = (r) =>
    r
      .map((cell, c) => String(cell).padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(fmt)];
}

const verdict = (pass) => (pass === null ? '' : pass ? 'pass' : 'FAIL');

function allRows(results) {
  return results.scenarios.flatMap((s) => s.rows.map((r) => [s.name, r.measure, r.target, r.display, verdict(r.pass)]));
}

export function printTable(results) {
  const m = results.machine ?? {};
  const lines = [];
  lines.push(`Watchtower bench (${results.mode} mode) ${results.startedAt}`);
  lines.push(
    `machine: nproc ${m.nproc} (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.kernel}; node ${m.node}; ${m.wrk}; PostgreSQL ${m.postgres}; Redis ${m.redis}`,
  );
  if (results.code)
    lines.push(
      `code: ${results.code.commit}${results.code.uncommittedApiFiles ? ` + ${results.code.uncommittedApiFiles} uncommitted files under apps/, libs/, package*.json` : ''}`,
    );
  lines.push(
    `load average at start ${m.loadavgAtStart?.join(' ')}, at end ${results.loadavgAtEnd?.join(' ')} (1/5/15 min)`,
  );
  lines.push('');
  lines.push(...table(['scenario', 'measure', 'target', 'measured (median of runs)', 'verdict'], allRows(results)));
  lines.push('');
  if (results.mode === 'quick') lines.push('quick mode: short runs, small N; targets shown but not enforced.');
  const failed = results.scenarios.flatMap((s) =>
    s.rows.filter((r) => r.pass === false).map((r) => `${s.name}: ${r.measure}`),
  );
  lines.push(failed.length ? `targets missed (${failed.length}): ${failed.join('; ')}` : 'targets: all met');
  if (results.notes.length) lines.push(`notes:\n${results.notes.map((n) => `  - ${n}`).join('\n')}`);
  lines.push(
    results.errors.length
      ? `HARNESS ERRORS (${results.errors.length}):\n${results.errors.map((e) => `  - ${e}`).join('\n')}`
      : 'harness errors: none',
  );
  lines.push(`total ${results.totalSeconds} s; results: ${path.relative(ROOT, results.file)}`);
  console.log(lines.join('\n'));
}

export function resultsFile(results) {
  const dir = path.join(BENCH, 'results');
  fs.mkdirSync(dir, { recursive: true });
  if (results.mode === 'quick') return path.join(dir, 'quick.json');
  if (results.partial) return path.join(dir, 'partial.json');
  return path.join(dir, `${results.startedAt.slice(0, 10)}.json`);
}

export function writeJson(results) {
  fs.writeFileSync(results.file, `${JSON.stringify(results, null, 2)}\n`);
}

const mdCell = (text) => String(text).replace(/\|/g, '\\|');

/** bench/RESULTS.md: the latest full run's table, the machine, and how to reproduce it. */
export function writeResultsMd(results, { missing }) {
  const m = results.machine;
  const out = [];
  out.push('# Benchmark results');
  out.push('');
  out.push(
    `Latest full run of \`npm run bench\`: ${results.startedAt} (${Math.round(results.totalSeconds / 60)} min), written by`,
  );
  out.push('bench/run.mjs. Each figure is the median of the runs named in the table, with their range and spread');
  out.push('((max - min) / median) when the runs differ; counts that must be 0 are judged on the worst run.');
  out.push(`Raw figures: [results/${path.basename(results.file)}](results/${path.basename(results.file)}).`);
  out.push('');
  out.push('## Machine');
  out.push('');
  out.push(`- ${m.nproc} cores (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.kernel}`);
  out.push(
    `- Node ${m.node}, ${m.wrk}, PostgreSQL ${m.postgres}, Redis ${m.redis} (both on loopback, shared with other work)`,
  );
  out.push(
    `- load average at start ${m.loadavgAtStart.join(' ')}, at end ${results.loadavgAtEnd.join(' ')} (1/5/15 min): other work ran on this machine, so only figures of the same run compare (a ratio, CPU time per item)`,
  );
  out.push(
    `- code: commit ${results.code.commit}${results.code.uncommittedApiFiles ? ` plus ${results.code.uncommittedApiFiles} uncommitted files under apps/, libs/, package*.json` : ''}`,
  );
  out.push('');
  out.push('## Results');
  out.push('');
  out.push('| scenario | measure | target | measured | |');
  out.push('|---|---|---|---|---|');
  for (const [scenario, measure, target, display, pass] of allRows(results)) {
    out.push(
      `| ${mdCell(scenario)} | ${mdCell(measure)} | ${mdCell(target)} | ${mdCell(display)} | ${pass === 'FAIL' ? '**FAIL**' : pass} |`,
    );
  }
  out.push('');
  if (results.notes.length) {
    out.push('Notes of this run:');
    out.push('');
    for (const n of results.notes) out.push(`- ${n}`);
    out.push('');
  }
  out.push(
    results.errors.length
      ? `Harness errors: ${results.errors.map((e) => `\n- ${e}`).join('')}`
      : 'Harness errors: none.',
  );
  out.push('');
  if (fs.existsSync(path.join(BENCH, 'ANALYSIS.md'))) {
    out.push(
      'Why the targets still missed are missed, with the profiles and measurements behind it: [ANALYSIS.md](ANALYSIS.md).',
    );
    out.push('');
  }
  out.push('## What each scenario does');
  out.push('');
  for (const s of results.scenarios) out.push(`- **${s.name}**: ${s.description}`);
  out.push('');
  if (missing.length) {
    out.push('## Not measured here');
    out.push('');
    for (const line of missing) out.push(`- ${line}`);
    out.push('');
  }
  out.push('## How to reproduce');
  out.push('');
  out.push('```sh');
  out.push('apt install wrk            # the load generator (Debian package)');
  out.push('npm ci');
  out.push(
    'npm run bench              # builds, then every scenario: about ' +
      Math.round(results.totalSeconds / 60) +
      ' min here',
  );
  out.push('npm run bench -- --quick   # one short run of each, small N (~2 min), never fails on targets');
  out.push('npm run bench -- --only=pulses,events-split --runs=5 --verbose');
  out.push('```');
  out.push('');
  out.push('PostgreSQL and Redis come from `BENCH_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/test`, a');
  out.push('superuser: each scenario creates and drops a database of its own) and `BENCH_REDIS_URL` (default');
  out.push(
    '`redis://127.0.0.1:6379`, each scenario under a prefix of its own, deleted at its end). Options: `--runs=N`,',
  );
  out.push(
    '`--only=`/`--skip=` (scenario names), `--list-events-rows=N`, `--agents=N`, `--deadline-services=N`, `--no-build`,',
  );
  out.push(
    '`--verbose` (every command as it runs). The API processes log to `bench/logs/`; the commands each scenario',
  );
  out.push('ran, with the password as `$WT_PASSWORD`, are in the results JSON.');
  out.push('');
  fs.writeFileSync(path.join(BENCH, 'RESULTS.md'), out.join('\n'));
}
