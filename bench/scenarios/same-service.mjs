// 50 connections pulsing one service: every pulse of the same record serialized in Redis at once, the case
// where a peer answers 100 % errors (../shared/NOTES.md: Uptime Kuma, 50 concurrent pushes to one monitor).
import { withApi } from '../lib/api.mjs';
import { detail, fail, pick } from '../lib/context.mjs';
import { metric } from '../lib/report.mjs';
import { countRows, waitForCount } from '../lib/stores.mjs';
import { checkLoad, load, summarize, wrk } from '../lib/wrk.mjs';

export default {
  name: 'same-service',
  description:
    'POST / for one single service from 50 connections (`wrk -t1 -c50`); afterwards its one row is in PostgreSQL.',
  async run({ runs }) {
    const seconds = pick(2, 10);
    const env = { WT_SERVICES: 1, WT_SERVICE_PREFIX: 'same-' };
    const perRun = [];
    const commands = [];
    await withApi('same', {}, async (stack, stores) => {
      commands.push(...stack.commands);
      const cpu = [{ name: 'api', pid: stack.pid('all') }];
      await wrk({ label: 'same-service warm-up', args: load(50, 1), script: 'pulse.lua', url: `${stack.url}/`, env });
      for (let r = 1; r <= runs; r++) {
        const report = await wrk({
          label: `same-service #${r}`,
          args: load(50, seconds),
          script: 'pulse.lua',
          url: `${stack.url}/`,
          env,
          cpu,
        });
        checkLoad(`same-service #${r}`, report);
        if (r === 1) commands.push(report.command);
        perRun.push(summarize(report));
        detail(`#${r}: ${Math.round(report.rps)}/s, p99 ${report.p99ms.toFixed(1)} ms`);
      }
      const pg = await stores.connectPg();
      const persisted = await waitForCount(() => countRows(pg, 'heartbeats'), 1, 30_000, 250);
      if (!persisted.reached) fail('no heartbeat row in PostgreSQL 30 s after the load');
    });
    const rows = [
      metric(
        'errors (non-2xx + socket)',
        perRun.map((a) => a.non2xx + a.socketErrors),
        { target: { op: '<=', value: 0, text: '0' }, worst: true },
      ),
      metric(
        'pulse p99',
        perRun.map((a) => a.p99ms),
        { unit: ' ms', digits: 1, target: { op: '<=', value: 20 } },
      ),
      metric(
        'pulses per s (one service, 50 connections)',
        perRun.map((a) => a.rps),
        { unit: '/s' },
      ),
      metric(
        'API CPU per pulse',
        perRun.map((a) => a.cpuUsPerRequest.api),
        { unit: ' µs', digits: 1 },
      ),
    ];
    return {
      rows,
      metrics: { seconds, perRun },
      commands,
      summary: `${rows[2].value.toLocaleString('en-US')}/s, p99 ${rows[1].value} ms, ${rows[0].runs.reduce((a, b) => a + b, 0)} errors`,
    };
  },
};
