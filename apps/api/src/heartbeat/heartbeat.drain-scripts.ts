// The Lua scripts of the drain that copies changed heartbeat records to PostgreSQL (HeartbeatRows): claiming the
// services marked dirty and forgetting the claims once written. The keys they name are described in heartbeat.keys.ts.
import { script } from './heartbeat.scripts';

/**
 * KEYS dirty draining rec ver; ARGV nowMs batch redriveAfterSeconds. Claims up to `batch` services whose record
 * changed since it was last copied to PostgreSQL: first the claims older than redriveAfterSeconds (their worker died
 * before writing them), then marks taken from the dirty set. A claim moves to `draining` in the same step as its
 * mark leaves `dirty`, so no crash loses it. Returns the transition counter (every row is older than it), then
 * service, record ('' once deleted) pairs.
 */
export const CLAIM_DIRTY = script(`
local batch = tonumber(ARGV[2])
local claimed = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[3]), 'LIMIT', 0, batch)
if #claimed < batch then
  for _, s in ipairs(redis.call('SPOP', KEYS[1], batch - #claimed)) do table.insert(claimed, s) end
end
local out = {redis.call('GET', KEYS[4]) or '0'}
if #claimed == 0 then return out end
-- one variadic call each rather than two per service: Redis runs nothing else meanwhile, pulses included
local lease = {}
for i, s in ipairs(claimed) do
  lease[2 * i - 1] = now
  lease[2 * i] = s
end
redis.call('ZADD', KEYS[2], unpack(lease))
local records = redis.call('HMGET', KEYS[3], unpack(claimed))
for i, s in ipairs(claimed) do
  out[2 * i] = s
  out[2 * i + 1] = records[i] or ''
end
return out
`);

/** KEYS draining; ARGV nowMs claimedAtMs service... Forgets the claims once written, unless re-claimed since. */
export const ACK_DIRTY = script(`
local at = tonumber(ARGV[2]) / 1000
local scores = redis.call('ZMSCORE', KEYS[1], unpack(ARGV, 3))
local done = {}
for i = 1, #ARGV - 2 do
  if tonumber(scores[i]) == at then table.insert(done, ARGV[i + 2]) end
end
if #done > 0 then redis.call('ZREM', KEYS[1], unpack(done)) end
return 1
`);
