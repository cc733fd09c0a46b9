// What the agent costs its host: the real agent running against a built API for 5 minutes (agent-live.mjs), and
// the collection cycle alone measured by bench/agent-cycle.mjs (the built agent's HostSampler, no health
// probes), extrapolated to the default 15 s interval, then on a busy host's 20,000 sockets. Both run with the
// node flags of the agent's launchers (apps/agent/src/node-flags.ts).
import { pick } from '../lib/context.mjs';
import { metric } from '../lib/report.mjs';
import { agentNodeFlags, liveAgent } from './agent-live.mjs';
import { scriptRuns } from './script.mjs';

export default {
  name: 'agent-cost',
  description:
    "bench/agent-cycle.mjs: the built agent's collection cycle (its HostSampler, on the main loop, without health " +
    'probes), CPU of the process and of the helper shell and `ss` it runs, per cycle, as a share of one core at ' +
    "the 15 s interval; the event loop's longest block while collecting, on this host and with `ss` answering " +
    "20,000 synthetic sockets; the process's RSS. Everything with the agent's node flags.",
  async run({ runs }) {
    const env = pick({ BENCH_AGENT_WARMUP: 5, BENCH_AGENT_CYCLES: 10 }, {});
    const live = await liveAgent();
    const { runs: out, command } = await scriptRuns('agent-cycle.mjs', 'AGENTCYCLE', runs, env, agentNodeFlags());
    const rows = [
      metric(`real agent: CPU over ${live.windowS} s at the 15 s interval`, [live.cpuPct], {
        unit: ' % of a core',
        digits: 3,
        target: { op: '<=', value: 0.5 },
        extra: `one run; ${live.snapshots} snapshots stored`,
      }),
      metric(`real agent: RSS, highest of ${live.windowS / 5} samples`, [live.rssMaxMb], {
        unit: ' MB',
        digits: 1,
        target: { op: '<=', value: 50 },
        extra: `${live.rssEndMb.toFixed(1)} MB at the end (node_exporter: 20.5 MB)`,
      }),
      metric(
        'collection cycle alone: CPU at the 15 s interval',
        out.map((o) => o.pctOfCoreAt15s),
        {
          unit: ' % of a core',
          digits: 3,
          target: { op: '<=', value: 0.5 },
          extra: `${out.map((o) => o.cpuMsPerCycle.toFixed(1)).join('/')} ms per cycle (node_exporter at 1 scrape/s: 0.72 %)`,
        },
      ),
      metric(
        'RSS of bench/agent-cycle.mjs (collectors on the main thread, no uplink)',
        out.map((o) => o.rssBytes / 2 ** 20),
        { unit: ' MB', digits: 1 },
      ),
      metric(
        'event loop: longest busy stretch while collecting',
        out.map((o) => o.loop.collecting.busiestMs),
        {
          unit: ' ms',
          digits: 1,
          target: { op: '<=', value: 5 },
          extra: `idle loop delay max ${out.map((o) => o.loop.idle.maxMs.toFixed(1)).join('/')} ms (the VM's own noise)`,
        },
      ),
      metric(
        `busy host (${out[0].busy.sockets.toLocaleString('en-US')} sockets in ss): event loop's longest busy stretch`,
        out.map((o) => o.loop.busy.busiestMs),
        {
          unit: ' ms',
          digits: 1,
          target: { op: '<=', value: 5 },
          extra: `${out.map((o) => o.busy.cpuMsPerCycle.toFixed(0)).join('/')} ms of CPU per cycle; ${(out[0].busy.outputBytes / 2 ** 20).toFixed(1)} MB of ss output`,
        },
      ),
    ];
    return {
      rows,
      metrics: { live, runs: out },
      commands: [live.command, command],
      summary: `real agent ${rows[0].value.toFixed(3)} % of a core, ${rows[1].value.toFixed(1)} MB RSS; cycle alone ${rows[2].value.toFixed(3)} %`,
    };
  },
};
