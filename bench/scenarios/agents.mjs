// Many concurrent WebSocket agents, driven from a separate Node process (bench/agents-client.mjs) so that
// their cost is not the runner's: ack latency of each snapshot, errors, and the API's memory per connection.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { enroll, withApi } from '../lib/api.mjs';
import { BENCH, detail, fail, note, pick, ROOT, run } from '../lib/context.mjs';
import { procCpuSeconds, procRssBytes, waitProcessIdle } from '../lib/cpu.mjs';
import { spawnTracked } from '../lib/processes.mjs';
import { metric } from '../lib/report.mjs';
import { median, round } from '../lib/stats.mjs';
import { countRows, waitForCount } from '../lib/stores.mjs';

/** One client process: resolves with its result and the API's RSS before, when all are connected, and at the end. */
async function clientRun({ stack, keysFile, agents, durationS, intervalS }) {
  const apiPid = stack.pid('all');
  const script = path.relative(ROOT, path.join(BENCH, 'agents-client.mjs'));
  const wsUrl = `${stack.url.replace(/^http/, 'ws')}/api/v1/agents/ws`;
  const rss = { before: procRssBytes(apiPid), connected: null, steady: null };
  let cpuLoad = null;
  const proc = spawnTracked(
    'agents client',
    process.execPath,
    [script, wsUrl, keysFile, String(durationS), String(intervalS)],
    {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let result = null;
  let ready = null;
  let stderr = '';
  let pending = '';
  proc.stderr.on('data', (chunk) => (stderr += chunk));
  proc.stdout.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const line of lines) {
      const message = JSON.parse(line);
      if (message.type === 'ready') {
        ready = message;
        rss.connected = procRssBytes(apiPid);
        cpuLoad = { at: performance.now(), cpu: procCpuSeconds(apiPid) };
        detail(`${message.connected}/${agents} agents connected in ${message.connectMs} ms`);
      } else if (message.type === 'steady') {
        rss.steady = procRssBytes(apiPid);
        cpuLoad = {
          ...cpuLoad,
          seconds: procCpuSeconds(apiPid) - cpuLoad.cpu,
          wall: (performance.now() - cpuLoad.at) / 1000,
        };
      } else if (message.type === 'result') {
        result = message;
      }
    }
  });
  const code = await new Promise((resolve) => proc.on('close', (c) => resolve(c)));
  if (code !== 0 || !result) throw new Error(`agents client exited with ${code}: ${stderr.slice(-2000)}`);
  return {
    ...result,
    ready,
    rss,
    apiCpuPctDuringLoad: cpuLoad?.wall ? round((cpuLoad.seconds / cpuLoad.wall) * 100, 0) : null,
    apiCpuMsPerSnapshot: cpuLoad?.wall && result.acks ? (cpuLoad.seconds * 1000) / result.acks : null,
  };
}

export default {
  name: 'agents',
  description:
    '10,000 agents (`--agents=N`) enrolled one key each, connected from a separate Node process of `ws` clients ' +
    '(bench/agents-client.mjs), each sending one snapshot of the full example every 15 s for 2 minutes, spread ' +
    'evenly; ack latency measured by the client; API RSS before connecting and at the end of the load; every ' +
    'acknowledged snapshot counted in PostgreSQL.',
  async run({ runs }) {
    const agents = run.options.agents ?? pick(200, 10_000);
    const durationS = pick(8, 120);
    const intervalS = pick(2, 15);
    const perRun = [];
    const commands = [];
    let enrollMs = null;
    let persisted = null;
    await withApi('agents', {}, async (stack, stores) => {
      commands.push(...stack.commands);
      const started = Date.now();
      const keys = await enroll(stack.port, agents);
      enrollMs = Date.now() - started;
      detail(`enrolled ${agents} agents in ${enrollMs} ms`);
      const keysFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wt-bench-')), 'keys.json');
      fs.writeFileSync(keysFile, JSON.stringify(keys), { mode: 0o600 });
      commands.push(
        `node bench/agents-client.mjs ${stack.url.replace(/^http/, 'ws')}/api/v1/agents/ws <keys.json> ${durationS} ${intervalS}`,
      );
      const pg = await stores.connectPg();
      let acked = 0;
      try {
        for (let r = 1; r <= runs; r++) {
          const idle = await waitProcessIdle(stack.pid('all'));
          if (idle === null) note(`run ${r}: the API was still busy with the previous run after 180 s`);
          const result = await clientRun({ stack, keysFile, agents, durationS, intervalS });
          acked += result.acks - result.notAccepted;
          const errors =
            agents -
            result.connected +
            result.socketErrors +
            Object.values(result.unexpectedCloses).reduce((a, b) => a + b, 0) +
            Object.values(result.errors).reduce((a, b) => a + b, 0) +
            result.notAccepted +
            result.lateAcks;
          if (errors > 0) {
            fail(
              `run ${r}: ${errors} errors: ${agents - result.connected} not connected (refused ${JSON.stringify(result.refused)}), ` +
                `socket errors ${result.socketErrors}, unexpected closes ${JSON.stringify(result.unexpectedCloses)}, ` +
                `error messages ${JSON.stringify(result.errors)}, ${result.notAccepted} snapshots not accepted, ${result.lateAcks} never acknowledged`,
            );
          }
          const growth =
            result.rss.steady !== null && result.rss.before !== null
              ? (result.rss.steady - result.rss.before) / agents
              : NaN;
          perRun.push({ ...result, errorCount: errors, rssGrowthPerConnection: growth });
          detail(
            `#${r}: ${result.acks} acks, p99 ${result.ackMs.p99} ms, ${errors} errors, RSS +${round(growth / 1024, 1)} KB per connection`,
          );
        }
        // Every acknowledged snapshot is stored (the ack is the agent's licence to drop it). The ack comes once
        // the snapshot is queued, so the writer may still be behind: a shortfall is a loss only once the
        // persistence queue is empty.
        const stored = await waitForCount(() => countRows(pg, 'snapshots'), acked, pick(60_000, 900_000), 1000);
        persisted = { acked, stored: stored.value, afterLoadMs: stored.reached ? stored.ms : null };
        if (!stored.reached) {
          const counts = await stores
            .queue('persistence')
            .getJobCounts('wait', 'active', 'delayed', 'prioritized', 'paused');
          const queued = Object.values(counts).reduce((a, b) => a + b, 0);
          if (queued === 0)
            fail(
              `${acked - stored.value} acknowledged snapshots never reached PostgreSQL (${stored.value} of ${acked})`,
            );
          else
            note(
              `${stored.value} of ${acked} acknowledged snapshots in PostgreSQL ${Math.round(stored.ms / 1000)} s after the load, ${queued} persistence jobs still queued`,
            );
        }
      } finally {
        fs.rmSync(path.dirname(keysFile), { recursive: true, force: true });
      }
    });
    const rows = [
      metric(
        `ack p99 (${agents.toLocaleString('en-US')} agents, a snapshot each per ${intervalS} s, ${durationS} s)`,
        perRun.map((r) => r.ackMs.p99),
        {
          unit: ' ms',
          digits: 1,
          target: { op: '<=', value: 100 },
          extra: `p50 ${round(median(perRun.map((r) => r.ackMs.p50)), 1)} ms, max ${Math.max(...perRun.map((r) => r.ackMs.max))} ms; ${perRun.map((r) => r.acks).join('/')} acks`,
        },
      ),
      metric(
        'errors (refused, closed, error messages, unacknowledged)',
        perRun.map((r) => r.errorCount),
        { target: { op: '<=', value: 0, text: '0' }, worst: true },
      ),
      metric(
        'API RSS growth per connection',
        perRun.map((r) => r.rssGrowthPerConnection / 1024),
        {
          unit: ' KB',
          digits: 1,
          target: { op: '<=', value: 50 },
          extra: `RSS ${perRun.map((r) => Math.round(r.rss.before / 2 ** 20)).join('/')} MB before, ${perRun.map((r) => Math.round(r.rss.connected / 2 ** 20)).join('/')} MB connected, ${perRun.map((r) => Math.round(r.rss.steady / 2 ** 20)).join('/')} MB at the end of the load`,
        },
      ),
      metric(
        'connect + hello, all agents',
        perRun.map((r) => r.connectMs / 1000),
        {
          unit: ' s',
          digits: 1,
          extra: `API CPU ${perRun.map((r) => r.apiCpuPctDuringLoad).join('/')} % of a core under load, ${perRun.map((r) => r.apiCpuMsPerSnapshot?.toFixed(2)).join('/')} ms per acknowledged snapshot; enrollment ${round(enrollMs / 1000, 1)} s`,
        },
      ),
      metric(
        'acknowledged snapshots all in PostgreSQL, after the last run',
        [persisted?.afterLoadMs === null || persisted?.afterLoadMs === undefined ? NaN : persisted.afterLoadMs / 1000],
        {
          unit: ' s',
          digits: 1,
          extra: `${persisted?.stored?.toLocaleString('en-US')} of ${persisted?.acked?.toLocaleString('en-US')} stored; ${(agents * durationS) / intervalS} snapshots arrive per run`,
        },
      ),
    ];
    return {
      rows,
      metrics: { agents, durationS, intervalS, enrollMs, persisted, perRun },
      commands,
      summary: `ack p99 ${rows[0].value} ms, ${rows[1].runs.reduce((a, b) => a + b, 0)} errors, ${rows[2].value} KB RSS per connection`,
    };
  },
};
