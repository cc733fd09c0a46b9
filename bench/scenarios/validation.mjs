// Server-side validation of the spec's full example snapshot (bench/wire-format.mjs).
import { pick } from '../lib/context.mjs';
import { metric } from '../lib/report.mjs';
import { scriptRuns } from './script.mjs';

export default {
  name: 'validation',
  description:
    'bench/wire-format.mjs: validateIngestRequest on the full example (libs/wire-format/test/fixtures/example.json), µs per call after a warm-up, with JSON.parse of the same text for scale.',
  async run({ runs }) {
    const env = pick({ BENCH_WIRE_ROUNDS: 2000 }, {});
    const { runs: out, command } = await scriptRuns('wire-format.mjs', 'WIREFORMAT', runs, env);
    const rows = [
      metric(
        'validateIngestRequest, full example',
        out.map((o) => o.validateUs / 1000),
        {
          unit: ' ms',
          digits: 3,
          target: { op: '<=', value: 0.2 },
          extra: `JSON.parse of its ${out[0].bytes} bytes ${out.map((o) => o.parseUs.toFixed(1)).join('/')} µs, serialize ${out.map((o) => o.serializeUs.toFixed(1)).join('/')} µs`,
        },
      ),
    ];
    return {
      rows,
      metrics: { runs: out },
      commands: [command],
      summary: `${rows[0].value.toFixed(3)} ms per validation`,
    };
  },
};
