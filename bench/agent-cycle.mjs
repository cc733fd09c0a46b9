// Cost of the agent's collection cycle on this machine (collectors.md §1.3 budget: under 20 ms of CPU per
// cycle without ping, and nothing blocking the event loop for more than 5 ms). Runs the built agent's
// collection (HostSampler, on this process's main loop; npm run build first) without health probes, with
// the node flags of docker/watchtower-agent.service (bench/run.mjs passes them), in three passes:
//   1. CPU: WARMUP cycles (V8 compiles the hot code during the first dozens), then CYCLES measured ones.
//      Counted: this process (all threads) plus every child process and what they waited for: the helper
//      shells and the `ss` they run, from /proc/<pid>/stat.
//   2. Event loop: the agent's main loop under monitorEventLoopDelay, first idle, then for as many cycles,
//      and the main thread's own CPU between two turns of a 1 ms timer (its longest block, steal excluded).
//      Kept apart from pass 1 because the monitor's own 1 ms timer costs about 6 ms of CPU per cycle. The
//      idle run is the yardstick: this VM alone delays an idle Node loop by up to ~10 ms (CPU steal).
//   3. A busy host: the same cycle with `ss -tunapi` answered by BENCH_BUSY_SOCKETS (20,000) synthetic
//      ESTABLISHED sockets with their -i details (about 9 MB, past the 8 MiB cap a real run would stop at),
//      the rest of the host real: the main loop's longest busy stretch and the CPU per cycle.
// Options: --json (one more line, "AGENTCYCLE {...}", for bench/run.mjs); BENCH_AGENT_WARMUP and
// BENCH_AGENT_CYCLES (defaults 20 and 60) shorten it for the quick run.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const { HostSampler } = require('../dist/apps/agent/src/host-sampler.js');
const { Sampler } = require('../dist/libs/collectors/src/sampler.js');
const { ShellRunner } = require('../dist/libs/collectors/src/shell-runner.js');
const { loadAgentConfig } = require('../dist/apps/agent/src/config/env.js');

const WARMUP = Number(process.env.BENCH_AGENT_WARMUP ?? 20);
const CYCLES = Number(process.env.BENCH_AGENT_CYCLES ?? 60);
const BUSY_SOCKETS = Number(process.env.BENCH_BUSY_SOCKETS ?? 20_000);
const BUSY_CYCLES = 5;
const JSON_OUT = process.argv.includes('--json');
const TICKS_PER_SECOND = 100; // USER_HZ on Linux
// the agent's own configuration rules, with no config file: probes on loopback, a host id of our own
const env = loadAgentConfig({
  env: { HOST_ID_FILE: join(tmpdir(), 'wt-bench-host-id'), AGENT_GATEWAY: '127.0.0.1', AGENT_DNS_SERVER: '127.0.0.1' },
  defaultConfigFile: join(tmpdir(), 'wt-bench-no-agent-config.json'),
});
const sampler = new HostSampler(env);

/** utime, stime, cutime, cstime of one process, in ms. */
function times(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const [ppid, utime, stime, cutime, cstime] = [1, 11, 12, 13, 14].map((i) => Number(fields[i]));
  const ms = (ticks) => (ticks * 1000) / TICKS_PER_SECOND;
  return { ppid, own: ms(utime + stime), waited: ms(cutime + cstime) };
}

/** CPU of all child processes, living (with what they waited for) and already waited for by us, in ms. */
function childrenMs() {
  let total = times('self').waited;
  for (const name of readdirSync('/proc')) {
    if (/^\d+$/.test(name)) {
      try {
        const child = times(name);
        if (child.ppid === process.pid) {
          total += child.own + child.waited;
        }
      } catch {
        // exited meanwhile
      }
    }
  }
  return total;
}

const cycle = () => sampler.collect(true);
for (let i = 0; i < WARMUP; i++) await cycle();

// one total over all cycles: children's CPU is only counted in 10 ms ticks (/proc/<pid>/stat)
const ownBefore = process.cpuUsage();
const childrenBefore = childrenMs();
const started = performance.now();
for (let i = 0; i < CYCLES; i++) await cycle();
const wall = (performance.now() - started) / CYCLES;
const own = process.cpuUsage(ownBefore);
const childMs = (childrenMs() - childrenBefore) / CYCLES;

// the spec's command alone, in the same run: the part of the cycle that is `ss`'s own
const shell = new ShellRunner();
await shell.run('ss', ['-tunapi']);
const ssBefore = childrenMs();
for (let i = 0; i < CYCLES; i++) await shell.run('ss', ['-tunapi']);
const ssAlone = (childrenMs() - ssBefore) / CYCLES;
shell.close();

/** CPU time of the main thread in ns (schedstat: exact, unlike the 10 ms ticks of stat). */
const mainThreadCpuNs = () => Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]);

/**
 * Wall-clock delay of a 1 ms timer, and the longest stretch of the main thread's own CPU between two of
 * its turns: a delay the thread did not spend running is the VM's (steal, another thread), not a block.
 */
async function loopDelay(run) {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let last = mainThreadCpuNs();
  let busiest = 0;
  const probe = setInterval(() => {
    const now = mainThreadCpuNs();
    busiest = Math.max(busiest, now - last);
    last = now;
  }, 1);
  delay.enable();
  await run();
  delay.disable();
  clearInterval(probe);
  const figures = { maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6, busiestMs: busiest / 1e6 };
  figures.text =
    `delay max ${figures.maxMs.toFixed(1)} ms, p99 ${figures.p99Ms.toFixed(1)} ms;` +
    ` longest busy stretch ${figures.busiestMs.toFixed(1)} ms`;
  return figures;
}
const idle = await loopDelay(() => new Promise((resolve) => setTimeout(resolve, wall * CYCLES)));
const collecting = await loopDelay(async () => {
  for (let i = 0; i < CYCLES; i++) await cycle();
});
// before the busy host's pass, whose 20,000 parsed sockets a real small host never holds
const rssBytes = process.memoryUsage().rss;

/** `ss -tunapi` of a busy server: `count` ESTABLISHED sockets owned by a few real processes, with -i details. */
function busySs(count) {
  const owners = [process.pid, process.ppid, 1];
  const lines = ['Netid State     Recv-Q Send-Q Local Address:Port  Peer Address:Port Process'];
  for (let i = 0; i < count; i++) {
    const pid = owners[i % owners.length];
    lines.push(
      `tcp   ESTAB     0      0      10.0.${(i >> 8) & 255}.${i & 255}:${1024 + (i % 60000)}   10.1.2.3:5432 ` +
        `users:(("node",pid=${pid},fd=${20 + (i % 900)}))`,
      `\t cubic wscale:7,7 rto:204 rtt:0.${i % 90}/0.01 ato:40 mss:32768 pmtu:65535 rcvmss:536 advmss:65483 ` +
        `cwnd:10 bytes_sent:${i * 7} bytes_acked:${i * 7} bytes_received:${i * 13} segs_out:5 segs_in:4 ` +
        'data_segs_out:2 send 10.3Gbps lastsnd:100 lastrcv:100 lastack:100 pacing_rate 20.5Gbps ' +
        'delivery_rate 1.2Gbps app_limited busy:1ms rcv_space:65483 rcv_ssthresh:65483 minrtt:0.01',
    );
  }
  return `${lines.join('\n')}\n`;
}
const busyOutput = busySs(BUSY_SOCKETS);
const busyShell = new ShellRunner();
const busyCommands = {
  run: async (command, args, options) =>
    command === 'ss'
      ? { ok: true, missing: false, stdout: busyOutput, stderr: '', code: 0 }
      : busyShell.run(command, args, options),
};
const busySampler = new Sampler(env, undefined, busyCommands, () => undefined);
await busySampler.collect(performance.now(), true);
let busyConnections = 0;
const busyCpuBefore = process.cpuUsage();
const busy = await loopDelay(async () => {
  for (let i = 0; i < BUSY_CYCLES; i++) {
    busyConnections = (await busySampler.collect(performance.now(), true)).snapshot.connection_count;
  }
});
const busyCpu = process.cpuUsage(busyCpuBefore);
const busyCpuMs = (busyCpu.user + busyCpu.system) / 1000 / BUSY_CYCLES;
await busySampler.stop();
busyShell.close();
if (busyConnections !== BUSY_SOCKETS) {
  throw new Error(`the busy host's cycle counted ${busyConnections} connections, not ${BUSY_SOCKETS}`);
}

const ownMs = (own.user + own.system) / 1000 / CYCLES;
console.log(`agent cycle without ping, ${CYCLES} cycles after ${WARMUP} warm-ups:`);
console.log(
  `  agent process: user ${(own.user / 1000 / CYCLES).toFixed(1)} ms, system ${(own.system / 1000 / CYCLES).toFixed(1)} ms`,
);
console.log(
  `  CPU per cycle: agent process ${ownMs.toFixed(1)} ms + child processes (helper shell, ss) ${childMs.toFixed(1)} ms` +
    ` = ${(ownMs + childMs).toFixed(1)} ms (budget 20 ms)`,
);
console.log(`  \`ss -tunapi\` alone, same run: ${ssAlone.toFixed(1)} ms`);
console.log(`  wall time per cycle: ${wall.toFixed(0)} ms (includes the 200 ms CPU window, a timer)`);
console.log(`  main event loop over ${CYCLES} more cycles: ${collecting.text} (budget 5 ms)`);
console.log(`  the same loop idle for as long, nothing collecting: ${idle.text}`);
console.log(
  `  a busy host (${BUSY_SOCKETS} sockets in ss, ${(busyOutput.length / 2 ** 20).toFixed(1)} MB), ${BUSY_CYCLES} cycles:` +
    ` ${busy.text} (budget 5 ms); ${busyCpuMs.toFixed(0)} ms of CPU per cycle, with the monitor's timer`,
);
console.log(`  node flags: ${process.execArgv.join(' ') || 'none'}`);
console.log(
  `  at the default 15 s interval: ${(((ownMs + childMs) / 15000) * 100).toFixed(2)} % of one core` +
    ' (node_exporter at 1 scrape/s: 0.72 %, ../shared/NOTES.md)',
);
if (JSON_OUT) {
  const result = {
    warmup: WARMUP,
    cycles: CYCLES,
    agentMs: ownMs,
    childMs,
    cpuMsPerCycle: ownMs + childMs,
    ssAloneMs: ssAlone,
    wallMsPerCycle: wall,
    pctOfCoreAt15s: ((ownMs + childMs) / 15000) * 100,
    loop: { collecting, idle, busy },
    busy: { sockets: BUSY_SOCKETS, cycles: BUSY_CYCLES, cpuMsPerCycle: busyCpuMs, outputBytes: busyOutput.length },
    nodeArgs: process.execArgv,
    rssBytes,
  };
  console.log(`AGENTCYCLE ${JSON.stringify(result)}`);
}
await sampler.stop();
process.exit(0);
