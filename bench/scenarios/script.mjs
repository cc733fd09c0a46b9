// The scenarios that are scripts of their own (bench/agent-cycle.mjs, bench/wire-format.mjs,
// bench/deadline-choice.mjs): each run is one child process, read from the JSON line it prints with --json.
import path from 'node:path';
import { BENCH, ROOT } from '../lib/context.mjs';
import { runNode } from '../lib/processes.mjs';

/** Runs bench/<file> `runs` times: the parsed `<marker> {...}` line of each run. */
export async function scriptRuns(file, marker, runs, env = {}, nodeArgs = []) {
  const script = path.relative(ROOT, path.join(BENCH, file));
  const out = [];
  for (let r = 1; r <= runs; r++) {
    const result = await runNode(file, script, ['--json'], { cwd: ROOT, env: { ...process.env, ...env }, nodeArgs });
    const line = result.stdout.split('\n').find((l) => l.startsWith(`${marker} `));
    if (result.code !== 0 || !line)
      throw new Error(
        `${script} exited with ${result.code}:\n${result.stdout.slice(-1500)}\n${result.stderr.slice(-1500)}`,
      );
    out.push(JSON.parse(line.slice(marker.length + 1)));
  }
  const shownEnv = Object.entries(env)
    .map(([k, v]) => `${k}=${v} `)
    .join('');
  return { runs: out, command: `${shownEnv}node ${[...nodeArgs, script].join(' ')}` };
}
