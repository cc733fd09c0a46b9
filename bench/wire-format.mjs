// Validation cost of the spec's full example (wire-format.md §3) on the server side: issue #4 asks for
// well under 1 ms. Uses the built library (npm run build first). Options: --json (one more line,
// "WIREFORMAT {...}", for bench/run.mjs); BENCH_WIRE_ROUNDS (default 20000) shortens it for the quick run.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { validateIngestRequest, serializeIngestRequest } = require('../dist/libs/wire-format/src/index.js');
const text = readFileSync(new URL('../libs/wire-format/test/fixtures/example.json', import.meta.url), 'utf8');
const body = JSON.parse(text);

const ROUNDS = Number(process.env.BENCH_WIRE_ROUNDS ?? 20_000);

function perCallMicros(fn, rounds = ROUNDS) {
  for (let i = 0; i < Math.min(2_000, rounds); i++) fn();
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) fn();
  return Number(process.hrtime.bigint() - started) / 1000 / rounds;
}

const validate = perCallMicros(() => validateIngestRequest(body));
const parse = perCallMicros(() => JSON.parse(text));
const value = validateIngestRequest(body).value;
const serialize = perCallMicros(() => serializeIngestRequest(value));
console.log(`wire-format, spec §3 example (${text.length} bytes):`);
console.log(
  `  validateIngestRequest: ${validate.toFixed(1)} µs per call (JSON.parse of the same text: ${parse.toFixed(1)} µs)`,
);
console.log(`  serializeIngestRequest: ${serialize.toFixed(1)} µs per call`);
if (process.argv.includes('--json')) {
  console.log(
    `WIREFORMAT ${JSON.stringify({ bytes: text.length, rounds: ROUNDS, validateUs: validate, parseUs: parse, serializeUs: serialize })}`,
  );
}
