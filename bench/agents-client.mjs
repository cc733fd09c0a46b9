// Many agents in one process, apart from the runner (bench/scenarios/agents.mjs): one WebSocket per enrolled
// key, `hello` with a host of its own, then one snapshot of the spec's full example (timestamp now) every
// interval, the agents spread evenly over it; the ack latency of every ingest is measured here.
// Usage: node bench/agents-client.mjs <ws url> <keys.json> <duration s> <interval s>
// Prints JSON lines on stdout: {"type":"ready",...} once every agent is past hello, {"type":"steady"} at the
// end of the load (the runner reads the server's memory then), {"type":"result",...} last.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { WebSocket } from 'ws';

const [url, keysFile, durationS, intervalS] = process.argv.slice(2);
const keys = JSON.parse(fs.readFileSync(keysFile, 'utf8'));
const example = JSON.parse(
  fs.readFileSync(new URL('../libs/wire-format/test/fixtures/example.json', import.meta.url), 'utf8'),
);
const HANDSHAKES_IN_FLIGHT = 100;
const intervalMs = Number(intervalS) * 1000;
const durationMs = Number(durationS) * 1000;

const emit = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

/** A stable host per agent index: a rerun reports the same hosts again. */
function hostOf(i) {
  const hex = createHash('sha256').update(`bench-agent-${i}`).digest('hex');
  const hostId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return { ...example.host, host_id: hostId, hostname: `bench-agent-${i}` };
}

// The frame is built once; only the id and the timestamp change per send.
const frameTemplate = JSON.stringify({
  type: 'ingest',
  id: '@ID@',
  snapshots: [{ ...example.snapshots[0], timestamp: '@TS@' }],
  agent_health: example.agent_health,
});
const frame = (id) =>
  frameTemplate.replace('"@ID@"', JSON.stringify(id)).replace('"@TS@"', JSON.stringify(new Date().toISOString()));

const stats = {
  agents: keys.length,
  connected: 0,
  refused: {}, // HTTP status of a refused upgrade -> count
  socketErrors: 0,
  unexpectedCloses: {}, // close code -> count
  sent: 0,
  acks: 0,
  notAccepted: 0, // an ack whose snapshot was rejected
  errors: {}, // code of an `error` message -> count
  lateAcks: 0,
  connectMs: null,
};
const latencies = [];
const agents = [];
let ending = false;

function count(map, key) {
  map[key] = (map[key] ?? 0) + 1;
}

function connect(i) {
  return new Promise((resolve) => {
    const agent = { i, ws: null, pending: new Map(), seq: 0, timer: null, welcomed: false };
    agents[i] = agent;
    const ws = new WebSocket(url, {
      headers: { authorization: `Bearer ${keys[i]}` },
      perMessageDeflate: false,
      handshakeTimeout: 30_000,
    });
    agent.ws = ws;
    let settled = false;
    const settle = () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    };
    ws.on('unexpected-response', (request, response) => {
      count(stats.refused, response.statusCode);
      response.resume();
      request.destroy();
      settle();
    });
    ws.on('error', () => {
      stats.socketErrors++;
      settle();
    });
    ws.on('open', () =>
      ws.send(
        JSON.stringify({ type: 'hello', schema_version: 1, agent_version: 'watchtower-agent/bench', host: hostOf(i) }),
      ),
    );
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === 'welcome') {
        agent.welcomed = true;
        stats.connected++;
        settle();
      } else if (message.type === 'ack') {
        const sentAt = agent.pending.get(message.id);
        agent.pending.delete(message.id);
        if (sentAt === undefined) return;
        latencies.push(performance.now() - sentAt);
        stats.acks++;
        if (message.accepted !== 1) stats.notAccepted++;
      } else if (message.type === 'error') {
        agent.pending.delete(message.id);
        count(stats.errors, message.code);
      }
    });
    ws.on('close', (code) => {
      if (!ending || code !== 1000) count(stats.unexpectedCloses, code);
      settle();
    });
  });
}

function send(agent) {
  if (agent.ws.readyState !== WebSocket.OPEN) return;
  const id = `${agent.i}-${agent.seq++}`;
  agent.pending.set(id, performance.now());
  agent.ws.send(frame(id));
  stats.sent++;
}

const started = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: Math.min(HANDSHAKES_IN_FLIGHT, keys.length) }, async () => {
    while (next < keys.length) await connect(next++);
  }),
);
stats.connectMs = Math.round(performance.now() - started);
emit({ type: 'ready', connected: stats.connected, agents: keys.length, connectMs: stats.connectMs });

// each agent's first snapshot at its own offset in the interval, then one per interval
const loadStarted = performance.now();
for (const agent of agents) {
  if (!agent.welcomed) continue;
  const offset = (agent.i / agents.length) * intervalMs;
  agent.timer = setTimeout(function tick() {
    if (performance.now() - loadStarted >= durationMs) return;
    send(agent);
    agent.timer = setTimeout(tick, intervalMs);
  }, offset);
}
await new Promise((resolve) => setTimeout(resolve, durationMs));
// the last acks, then the figures, then a planned stop for every agent (bye: no presence alert follows)
const waitUntil = performance.now() + 10_000;
while (agents.some((a) => a.pending.size > 0) && performance.now() < waitUntil)
  await new Promise((r) => setTimeout(r, 50));
stats.lateAcks = agents.reduce((n, a) => n + a.pending.size, 0);
emit({ type: 'steady' });
ending = true;
const closed = agents
  .map((a) => (a.ws.readyState === WebSocket.OPEN ? new Promise((resolve) => a.ws.once('close', resolve)) : null))
  .filter(Boolean);
for (const a of agents)
  if (a.ws.readyState === WebSocket.OPEN) a.ws.send(JSON.stringify({ type: 'bye', reason: 'bench done' }));
await Promise.race([Promise.all(closed), new Promise((r) => setTimeout(r, 15_000))]);
for (const a of agents) a.ws.terminate();

latencies.sort((a, b) => a - b);
const at = (p) =>
  latencies.length
    ? Number(latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)].toFixed(2))
    : null;
emit({ type: 'result', ...stats, ackMs: { p50: at(50), p95: at(95), p99: at(99), max: at(100) } });
process.exit(0);
