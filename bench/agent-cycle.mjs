// Cost of the agent's collection cycle on this machine (collectors.md §1.3 budget: under 20 ms of CPU per
// cycle without ping, and nothing blocking the event loop for more than 5 ms). Runs the built agent's
// collection thread (SamplerThread, npm run build first) for 30 cycles without health probes, after 3
// warm-up cycles, and watches the agent's main event loop meanwhile.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
require('reflect-metadata');
const { SamplerThread } = require('../dist/apps/agent/src/sampler-thread.js');
const { validateAgentEnv } = require('../dist/apps/agent/src/config/env.js');

const CYCLES = 30;
const TICKS_PER_SECOND = 100; // USER_HZ on Linux
const env = validateAgentEnv({ HOST_ID_FILE: join(tmpdir(), 'wt-bench-host-id'), AGENT_GATEWAY: '127.0.0.1', AGENT_DNS_SERVER: '127.0.0.1' });
const sampler = new SamplerThread(env);

/** CPU of this process and of its waited-for children (ss, ps), in ms, from /proc/self/stat. */
function cpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]));
  return { self: ((utime + stime) * 1000) / TICKS_PER_SECOND, children: ((cutime + cstime) * 1000) / TICKS_PER_SECOND };
}

for (let i = 0; i < 3; i++) await sampler.collect(true);
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
const before = cpuMs();
const ownBefore = process.cpuUsage();
const started = performance.now();
for (let i = 0; i < CYCLES; i++) await sampler.collect(true);
const wall = (performance.now() - started) / CYCLES;
const own = process.cpuUsage(ownBefore);
const after = cpuMs();
delay.disable();

const ownMs = (own.user + own.system) / 1000 / CYCLES;
const childMs = (after.children - before.children) / CYCLES;
console.log(`agent cycle without ping, ${CYCLES} cycles after 3 warm-ups:`);
console.log(`  agent process split: user ${(own.user / 1000 / CYCLES).toFixed(1)} ms, system ${(own.system / 1000 / CYCLES).toFixed(1)} ms`);
console.log(`  CPU per cycle: agent process ${ownMs.toFixed(1)} ms, child processes (ss, ps) ${childMs.toFixed(1)} ms, total ${(ownMs + childMs).toFixed(1)} ms (budget 20 ms)`);
console.log(`  wall time per cycle: ${wall.toFixed(0)} ms (includes the 200 ms CPU window, a timer)`);
console.log(`  main event loop delay (collection on its own thread): max ${(delay.max / 1e6).toFixed(1)} ms, p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms (budget 5 ms)`);
console.log(`  at the default 15 s interval: ${(((ownMs + childMs) / 15000) * 100).toFixed(2)} % of one core (node_exporter at 1 scrape/s: 0.72 %, ../shared/NOTES.md)`);
await sampler.onModuleDestroy();
process.exit(0);
