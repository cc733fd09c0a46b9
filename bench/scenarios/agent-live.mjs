// The real agent as a host runs it: `watchtower-agent run` at its default 15 s interval against a built API,
// for 5 minutes (20 s in the quick run). CPU from /proc (its own and that of the `ss` and shells it waited for)
// as a share of one core over the window, and its RSS sampled every 5 s.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { enroll, withApi } from '../lib/api.mjs';
import { procCpuSeconds, procRssBytes } from '../lib/cpu.mjs';
import { detail, fail, pick, ROOT, sleep } from '../lib/context.mjs';
import { spawnTracked, stopChild } from '../lib/processes.mjs';
import { countRows } from '../lib/stores.mjs';

const AGENT_MAIN = path.join(ROOT, 'dist/apps/agent/src/main.js');
const require = createRequire(import.meta.url);

/** The node flags the agent's launchers pass (apps/agent/src/node-flags.ts), so the agent runs as hosts run it. */
export const agentNodeFlags = () => require(path.join(ROOT, 'dist/apps/agent/src/node-flags.js')).AGENT_NODE_FLAGS;

/** One live agent: { cpuPct, rssMaxMb, rssEndMb, windowS, snapshots, command }. */
export async function liveAgent() {
  const windowS = pick(20, 300);
  return withApi('agent-live', {}, async (stack, stores) => {
    const [key] = await enroll(stack.port, 1);
    const env = {
      WATCHTOWER_URL: stack.url,
      WATCHTOWER_AGENT_KEY: key,
      HOST_ID_FILE: path.join(os.tmpdir(), 'wt-bench-live-host-id'),
      AGENT_GATEWAY: '127.0.0.1',
      AGENT_DNS_SERVER: '127.0.0.1',
      NODE_ENV: 'production',
    };
    const log = path.join(ROOT, 'bench/logs/agent-live-agent.log');
    const out = fs.openSync(log, 'w');
    const agent = spawnTracked('agent', process.execPath, [...agentNodeFlags(), AGENT_MAIN, 'run'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    try {
      // past start-up (module loading, the first collection), as a host would see it after a minute
      await sleep(10_000);
      if (agent.exitCode !== null) fail(`the agent exited with ${agent.exitCode}; see bench/logs/agent-live-agent.log`);
      const startMs = procCpuSeconds(agent.pid, { children: true }) * 1000;
      const started = Date.now();
      const rss = [];
      while (Date.now() - started < windowS * 1000) {
        await sleep(5000);
        rss.push(procRssBytes(agent.pid) / 2 ** 20);
      }
      const spentMs = procCpuSeconds(agent.pid, { children: true }) * 1000 - startMs;
      const elapsedMs = Date.now() - started;
      const pg = await stores.connectPg();
      const snapshots = await countRows(pg, 'snapshots');
      if (snapshots === 0) fail('the live agent stored no snapshot');
      detail(`live agent: ${spentMs} ms CPU in ${elapsedMs} ms, RSS ${rss.map((r) => r.toFixed(0)).join('/')} MB`);
      return {
        cpuPct: (spentMs / elapsedMs) * 100,
        rssMaxMb: Math.max(...rss),
        rssEndMb: rss[rss.length - 1],
        windowS,
        snapshots,
        command: `WATCHTOWER_URL=... WATCHTOWER_AGENT_KEY=... AGENT_GATEWAY=127.0.0.1 AGENT_DNS_SERVER=127.0.0.1 node ${agentNodeFlags().join(' ')} ${path.relative(ROOT, AGENT_MAIN)} run`,
      };
    } finally {
      await stopChild(agent);
    }
  });
}
