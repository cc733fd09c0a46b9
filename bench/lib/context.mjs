// What every part of one bench run shares: its options, its log, its problems and the password of the API
// processes it starts.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const ROOT = path.dirname(BENCH);
export const LOGS = path.join(BENCH, 'logs');

const t0 = Date.now();
export const elapsed = () => (Date.now() - t0) / 1000;

export const run = {
  id: randomBytes(4).toString('hex'),
  // NODE_ENV=production refuses a password under 16 characters: 24 hex characters.
  password: randomBytes(12).toString('hex'),
  options: { quick: false, verbose: false },
  /** Harness errors (a crash, a lost event, errors where none may be): the run fails, quick or not. */
  errors: [],
  /** Worth reading, not a failure. */
  notes: [],
  /** Set while a scenario runs, so its problems name it. */
  scenario: null,
};

export function log(line) {
  process.stderr.write(`[bench +${elapsed().toFixed(1)}s] ${line}\n`);
}

/** Detail that only --verbose shows: the default is one progress line per scenario. */
export function detail(line) {
  if (run.options.verbose) log(`  ${line}`);
}

const where = () => (run.scenario ? `${run.scenario}: ` : '');

export function fail(text) {
  run.errors.push(`${where()}${text}`);
  log(`ERROR: ${where()}${text}`);
}

export function note(text) {
  run.notes.push(`${where()}${text}`);
  detail(`note: ${text}`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The value of a quick / full pair. */
export const pick = (quick, full) => (run.options.quick ? quick : full);
