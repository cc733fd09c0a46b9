// POST / over 10k services at 100 connections, against the same load on a bare node:http server doing the
// same JSON work, in the same run: machines differ from day to day, only the ratio of the same run means
// anything (../shared/NOTES.md).
import path from 'node:path';
import { withApi } from '../lib/api.mjs';
import { BENCH, detail, fail, pick, ROOT, run } from '../lib/context.mjs';
import { freePort, spawnTracked, stopChild, waitForLine } from '../lib/processes.mjs';
import { metric } from '../lib/report.mjs';
import { countRows, waitForCount } from '../lib/stores.mjs';
import { checkLoad, load, summarize, wrk } from '../lib/wrk.mjs';

const SERVICES = 10_000;

export default {
  name: 'pulses',
  description:
    'POST / rotating over 10,000 services, `wrk -t1 -c100`; in the same run and alternating with it, the same load on ' +
    'bench/baseline-server.mjs (bare node:http: password check, JSON parse, a reply of the same shape and size). ' +
    'Then every service must have its row in PostgreSQL. CPU per pulse from /proc (API) and INFO cpu (Redis, shared).',
  async run({ runs }) {
    const seconds = pick(2, 10);
    const env = { WT_SERVICES: SERVICES };
    const port = await freePort();
    const script = path.relative(ROOT, path.join(BENCH, 'baseline-server.mjs'));
    const baseline = spawnTracked('baseline', process.execPath, [script, String(port), run.password], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const commands = [`node ${script} ${port} $WT_PASSWORD`];
    const baseUrl = `http://127.0.0.1:${port}/`;
    const perRun = [];
    try {
      await waitForLine(baseline, /listening (\d+)/, 10_000, 'baseline server');
      await withApi('pulses', {}, async (stack, stores) => {
        commands.push(...stack.commands);
        const apiCpu = [
          { name: 'api', pid: stack.pid('all') },
          { name: 'redis', redis: stores.redis },
        ];
        const warm = load(100, pick(1, 3));
        await wrk({ label: 'baseline warm-up', args: warm, script: 'pulse.lua', url: baseUrl, env });
        const warmUp = await wrk({
          label: 'pulses warm-up',
          args: warm,
          script: 'pulse.lua',
          url: `${stack.url}/`,
          env,
        });
        // each wrk run starts again at svc-0: the services pulsed are those of the longest run
        let pulsed = warmUp.ok;
        for (let r = 1; r <= runs; r++) {
          // alternated, so that a change in the machine's other load hits both sides of a ratio alike
          const b = await wrk({
            label: `baseline #${r}`,
            args: load(100, seconds),
            script: 'pulse.lua',
            url: baseUrl,
            env,
            cpu: [{ name: 'server', pid: baseline.pid }],
          });
          checkLoad(`baseline #${r}`, b);
          const a = await wrk({
            label: `pulses #${r}`,
            args: load(100, seconds),
            script: 'pulse.lua',
            url: `${stack.url}/`,
            env,
            cpu: apiCpu,
          });
          checkLoad(`pulses #${r}`, a);
          if (r === 1) commands.push(b.command, a.command);
          perRun.push({ baseline: summarize(b), api: summarize(a), ratio: a.rps / b.rps });
          pulsed = Math.max(pulsed, a.ok);
          detail(
            `#${r}: ${Math.round(a.rps)}/s vs bare ${Math.round(b.rps)}/s = ${(a.rps / b.rps).toFixed(3)}, p99 ${a.p99ms.toFixed(1)} ms`,
          );
        }
        const pg = await stores.connectPg();
        const expected = Math.min(SERVICES, pulsed);
        const persisted = await waitForCount(() => countRows(pg, 'heartbeats'), expected, 60_000, 250);
        if (!persisted.reached)
          fail(`${persisted.value} heartbeat rows in PostgreSQL 60 s after the load, expected ${expected}`);
        perRun.at(-1).heartbeatRows = persisted.value;
      });
    } finally {
      await stopChild(baseline, 3000);
    }
    const api = perRun.map((r) => r.api);
    const rows = [
      metric(
        'POST / pulses per s (10k services, 100 connections)',
        api.map((a) => a.rps),
        { unit: '/s', target: { op: '>=', value: 25_000 } },
      ),
      metric(
        'ratio to bare node:http, same run',
        perRun.map((r) => r.ratio),
        { unit: 'x', digits: 3, target: { op: '>=', value: 0.4, text: '>= 0.4x (stretch 0.5x)' } },
      ),
      metric(
        'pulse p99',
        api.map((a) => a.p99ms),
        { unit: ' ms', digits: 1, target: { op: '<=', value: 20 } },
      ),
      metric(
        'errors (non-2xx + socket)',
        api.map((a) => a.non2xx + a.socketErrors),
        { target: { op: '<=', value: 0, text: '0' }, worst: true },
      ),
      metric(
        'bare node:http per s',
        perRun.map((r) => r.baseline.rps),
        { unit: '/s' },
      ),
      metric(
        'API CPU per pulse',
        api.map((a) => a.cpuUsPerRequest.api),
        {
          unit: ' µs',
          digits: 1,
          extra: `bare node:http ${perRun.map((r) => r.baseline.cpuUsPerRequest.server).join('/')} µs`,
        },
      ),
      metric(
        'Redis CPU per pulse',
        api.map((a) => a.cpuUsPerRequest.redis),
        { unit: ' µs', digits: 1 },
      ),
    ];
    const median = rows[0].value;
    return {
      rows,
      metrics: { services: SERVICES, seconds, perRun },
      commands,
      summary: `${Math.round(median).toLocaleString('en-US')}/s, ${rows[1].value.toFixed(3)}x bare node:http, p99 ${rows[2].value} ms`,
    };
  },
};
