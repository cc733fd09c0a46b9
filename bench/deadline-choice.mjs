// §6.3 asks to measure both ways of scheduling heartbeat deadlines against the pulse rate before choosing:
//   A. a sorted set updated in the pulse's atomic Lua step (what apps/api does), and
//   B. one BullMQ delayed job per service, replaced on every pulse (remove + add with the same id).
// Each is driven from one Node client with 100 operations in flight over 20 000 services, on the local
// Redis, under a prefix of its own that is deleted afterwards. Prints pulses/s for both and their ratio.
// Options: --json (one more line, "DEADLINECHOICE {...}", for bench/run.mjs); BENCH_DEADLINE_OPERATIONS
// (default 60000) shortens it for the quick run.
import { Queue } from 'bullmq';
import { createHash, randomBytes } from 'node:crypto';
import Redis from 'ioredis';

const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const SERVICES = 20_000;
const OPERATIONS = Number(process.env.BENCH_DEADLINE_OPERATIONS ?? 60_000);
const IN_FLIGHT = 100;
const prefix = `dlbench${randomBytes(4).toString('hex')}`;

// The same work as the API's pulse script: record + deadline in one step.
const PULSE = `
local t = redis.call('TIME')
local now = tonumber(t[1])
local rec = cjson.encode({service = ARGV[1], nextIn = tonumber(ARGV[2]), last = now, expected = now + tonumber(ARGV[2])})
redis.call('HSET', KEYS[1], ARGV[1], rec)
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[2]) + 1, ARGV[1])
return rec`;

async function drive(operation) {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < OPERATIONS) {
        const i = next++;
        await operation(`svc-${i % SERVICES}`);
      }
    }),
  );
  return OPERATIONS / (Number(process.hrtime.bigint() - started) / 1e9);
}

const redis = new Redis(REDIS_URL);
const sha = createHash('sha1').update(PULSE).digest('hex');
await redis.script('LOAD', PULSE);
const sortedSet = await drive((service) => redis.evalsha(sha, 2, `${prefix}:rec`, `${prefix}:due`, service, 3600));

const queue = new Queue('deadlines', { connection: { url: REDIS_URL }, prefix });
const delayedJobs = await drive(async (service) => {
  const jobId = `dl-${service}`;
  await queue.remove(jobId);
  await queue.add('deadline', { service }, { jobId, delay: 3_600_000, removeOnComplete: true });
});

console.log(
  `deadline scheduling, ${OPERATIONS} pulses over ${SERVICES} services, ${IN_FLIGHT} in flight (one Node client):`,
);
console.log(`  A. sorted set in the pulse's Lua step : ${Math.round(sortedSet).toLocaleString('en')} pulses/s`);
console.log(`  B. BullMQ delayed job replaced per pulse: ${Math.round(delayedJobs).toLocaleString('en')} pulses/s`);
console.log(`  A / B = ${(sortedSet / delayedJobs).toFixed(1)}`);
if (process.argv.includes('--json')) {
  console.log(
    `DEADLINECHOICE ${JSON.stringify({ operations: OPERATIONS, services: SERVICES, inFlight: IN_FLIGHT, sortedSetPerS: sortedSet, delayedJobsPerS: delayedJobs })}`,
  );
}

await queue.obliterate({ force: true });
await queue.close();
let cursor = '0';
do {
  const [nextCursor, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
  cursor = nextCursor;
  if (keys.length) await redis.del(...keys);
} while (cursor !== '0');
await redis.quit();
