// §6.3's choice of how to schedule deadlines, measured again each run (bench/deadline-choice.mjs).
import { pick } from '../lib/context.mjs';
import { metric } from '../lib/report.mjs';
import { scriptRuns } from './script.mjs';

export default {
  name: 'deadline-choice',
  description:
    'bench/deadline-choice.mjs: one Node client, 100 operations in flight over 20,000 services on the shared Redis: ' +
    "a sorted set updated in the pulse's Lua step (what the API does) vs a BullMQ delayed job replaced per pulse.",
  async run({ runs }) {
    const env = pick({ BENCH_DEADLINE_OPERATIONS: 10_000 }, {});
    const { runs: out, command } = await scriptRuns('deadline-choice.mjs', 'DEADLINECHOICE', runs, env);
    const rows = [
      metric(
        'sorted set in the Lua step / delayed job per pulse',
        out.map((o) => o.sortedSetPerS / o.delayedJobsPerS),
        {
          unit: 'x',
          digits: 1,
          extra: `${out.map((o) => Math.round(o.sortedSetPerS)).join('/')} vs ${out.map((o) => Math.round(o.delayedJobsPerS)).join('/')} pulses/s`,
        },
      ),
    ];
    return {
      rows,
      metrics: { runs: out },
      commands: [command],
      summary: `sorted set ${rows[0].value.toFixed(1)}x faster than delayed jobs`,
    };
  },
};
