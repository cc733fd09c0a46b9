/**
 * The node flags every launcher of the agent passes: the systemd unit, the Docker image, `npm run agent` and
 * the shebang of the `watchtower-agent` bin (node-flags.spec.ts holds them to this list).
 *
 * `--lite-mode` is V8's memory-for-speed trade: no optimizing compiler, feedback vectors allocated lazily.
 * The agent runs about 10 ms of JavaScript every 15 s, so optimized code buys it nothing, and the flag takes
 * its peak RSS from 54.6 to 47.7 MB over 5 minutes (bench agent-cost, target 50 MB) while its CPU stays
 * under 0.1 % of a core. It also turns WebAssembly off: the agent must not use `fetch` (Node's undici
 * parses HTTP in WebAssembly), only `node:http` and `ws`. `--no-expose-wasm` says so explicitly, which
 * also spares every start a "disabling flag" warning in the journal.
 */
export const AGENT_NODE_FLAGS: readonly string[] = ['--lite-mode', '--no-expose-wasm'];

/** The flags missing from this process's own command line. */
export const missingNodeFlags = (execArgv: readonly string[] = process.execArgv): string[] =>
  AGENT_NODE_FLAGS.filter((flag) => !execArgv.includes(flag));
