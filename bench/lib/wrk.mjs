// wrk (Debian package) drives every HTTP load: a Node load generator would eat one of the two cores
// (../shared/NOTES.md: autocannon reached 15.3k req/s where wrk measured 38k). Each bench/*.lua script ends
// with one WRKJSON line (common.lua) that this parses.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BENCH, detail, fail, ROOT, run } from './context.mjs';
import { cpuBetween, cpuSnapshot } from './cpu.mjs';
import { spawnTracked } from './processes.mjs';
import { round } from './stats.mjs';

// --timeout 10s (wrk's default is 2 s): a slow reply is measured instead of only counted as a timeout.
export const WRK_TIMEOUT = ['--timeout', '10s'];

export function wrkVersion() {
  const result = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  if (result.error) return null;
  return (result.stdout || '')
    .split('\n')[0]
    .replace(/ Copyright.*/, '')
    .trim();
}

/** `wrk -t1 -c<connections> -d<seconds>s --timeout 10s`. */
export const load = (connections, seconds) => ['-t1', `-c${connections}`, `-d${seconds}s`, ...WRK_TIMEOUT];

/**
 * Runs wrk with one of the bench/*.lua scripts and returns its report, with the CPU time each of `cpu`'s
 * targets (see cpu.mjs) spent meanwhile. `untilLine`: a stdout line after which wrk is interrupted (SIGINT
 * makes it report at once). `onLine`: called with every other stdout line.
 */
export async function wrk({ label, args, script, url, env = {}, untilLine, onLine, cpu = [] }) {
  const argv = [...args, '--latency', '-s', path.relative(ROOT, path.join(BENCH, script)), url];
  const envText = Object.entries({ WT_PASSWORD: '$WT_PASSWORD', ...env })
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const command = `${envText} wrk ${argv.join(' ')}`;
  detail(`${label}: ${command}`);
  const before = await cpuSnapshot(cpu);
  const proc = spawnTracked(`wrk ${label}`, 'wrk', argv, {
    cwd: ROOT,
    env: {
      ...process.env,
      WT_PASSWORD: run.password,
      ...Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  let interrupted = false;
  proc.stdout.on('data', (chunk) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) {
      if (untilLine && !interrupted && line === untilLine) {
        interrupted = true;
        proc.kill('SIGINT');
      } else if (onLine && !line.startsWith('WRKJSON ')) {
        onLine(line);
      }
    }
  });
  proc.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise((resolve) => {
    proc.on('error', (error) => {
      stderr += error.message;
      resolve(-1);
    });
    proc.on('close', (c) => resolve(c));
  });
  const after = await cpuSnapshot(cpu);
  const line = stdout.split('\n').find((l) => l.startsWith('WRKJSON '));
  if (!line)
    throw new Error(`wrk ${label} produced no report (exit ${code}):\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`);
  const report = JSON.parse(line.slice('WRKJSON '.length));
  const errors = report.errors;
  report.cpu = cpuBetween(before, after);
  report.socketErrors = errors.connect + errors.read + errors.write + errors.timeout;
  report.non2xx = errors.status;
  report.ok = report.requests - errors.status;
  report.seconds = report.duration_us / 1e6;
  report.rps = report.requests / report.seconds;
  report.p50ms = report.latency_us.p50 / 1000;
  report.p99ms = report.latency_us.p99 / 1000;
  report.maxms = report.latency_us.max / 1000;
  report.command = command;
  return report;
}

/** The figures a scenario keeps of one wrk run. `cpuPer`: CPU µs per request of each target. */
export function summarize(report) {
  const cpuUsPerRequest = {};
  for (const [name, c] of Object.entries(report.cpu ?? {})) {
    cpuUsPerRequest[name] =
      c.seconds === null || !report.requests ? null : round((c.seconds * 1e6) / report.requests, 1);
  }
  return {
    rps: Math.round(report.rps),
    p50ms: round(report.p50ms, 2),
    p99ms: round(report.p99ms, 2),
    maxms: round(report.maxms, 1),
    requests: report.requests,
    non2xx: report.non2xx,
    socketErrors: report.socketErrors,
    seconds: round(report.seconds, 2),
    cpuPct: Object.fromEntries(Object.entries(report.cpu ?? {}).map(([n, c]) => [n, c.pct])),
    cpuUsPerRequest,
  };
}

/** Errors where none may be: non-2xx replies, socket errors (timeouts included), nothing completed. */
export function checkLoad(label, report) {
  if (report.non2xx > 0) fail(`${label}: ${report.non2xx} non-2xx replies out of ${report.requests}`);
  if (report.socketErrors > 0) fail(`${label}: socket errors ${JSON.stringify(report.errors)}`);
  if (report.requests === 0) fail(`${label}: no request completed`);
}

/** Pulses `count` services `<prefix><from>`.. once each (bench/fill.lua), as fast as the API takes them. */
export async function fillServices(
  url,
  { from = 0, count, prefix = 'svc-', nextIn = 3600, label = `fill ${count} services` },
) {
  const started = Date.now();
  const report = await wrk({
    label,
    args: ['-t1', '-c100', `-d${Math.ceil(count / 1000) + 120}s`, ...WRK_TIMEOUT],
    script: 'fill.lua',
    url: `${url}/`,
    env: { WT_FROM: from, WT_COUNT: count, WT_NEXT_IN: nextIn, WT_SERVICE_PREFIX: prefix },
    untilLine: 'FILLDONE',
  });
  if (
    report.got !== count ||
    report.bad > 0 ||
    report.errors.timeout + report.errors.connect + report.errors.read + report.errors.write > 0
  ) {
    fail(
      `${label}: ${report.got}/${count} replies, ${report.bad} non-2xx, socket errors ${JSON.stringify(report.errors)}`,
    );
  }
  const ms = Date.now() - started;
  return { count, ms, perS: Math.round(count / (ms / 1000)), command: report.command };
}
