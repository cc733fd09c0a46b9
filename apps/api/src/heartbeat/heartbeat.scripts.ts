// Lua scripts applied atomically by Redis: each heartbeat transition and its deadline change in one step
// (watchtower-protocol.md §6.1). Time comes from Redis TIME so every API process shares one clock.
//
// Keys: rec = hash service -> JSON record, due = zset service -> death instant (expected + 1, seconds),
// claims = hash service -> JSON record claimed dead but not yet handed to the queues, claimedAt = zset of
// those claims by time (re-driven when a process died between claim and enqueue), seq = first-pulse
// position counter, ver = transition counter, remind = zset service -> next reminder instant of a dead
// service (§6.3 reminders).

/** KEYS rec due seq ver remind; ARGV service alertType alertTarget nextIn repeatEvery('' = none) maxServices */
export const PULSE = `
local t = redis.call('TIME')
local now = tonumber(t[1])
local prevRaw = redis.call('HGET', KEYS[1], ARGV[1])
local position
if prevRaw then
  position = cjson.decode(prevRaw).position
else
  if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[6]) then
    return {'limit'}
  end
  position = redis.call('INCR', KEYS[3])
end
local nextIn = tonumber(ARGV[4])
local rec = {
  service = ARGV[1], alertType = ARGV[2], alertTarget = ARGV[3], nextIn = nextIn,
  last = now, expected = now + nextIn, alerted = false, cancelled = false,
  position = position, version = redis.call('INCR', KEYS[4])
}
if ARGV[5] ~= '' then rec.repeatEvery = tonumber(ARGV[5]) end
local raw = cjson.encode(rec)
redis.call('HSET', KEYS[1], ARGV[1], raw)
redis.call('ZADD', KEYS[2], now + nextIn + 1, ARGV[1])
redis.call('ZREM', KEYS[5], ARGV[1])
return {'ok', raw, prevRaw or ''}
`;

/** KEYS rec due ver remind; ARGV service. Returns the record after the cancel, or nil when unknown. */
export const CANCEL = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return nil end
local rec = cjson.decode(raw)
rec.cancelled = true
rec.version = redis.call('INCR', KEYS[3])
raw = cjson.encode(rec)
redis.call('HSET', KEYS[1], ARGV[1], raw)
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
return raw
`;

/** KEYS rec due claims claimedAt ver remind; ARGV service. Returns the deleted record, or nil. */
export const DELETE = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if not raw then return nil end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('ZREM', KEYS[6], ARGV[1])
local rec = cjson.decode(raw)
rec.version = redis.call('INCR', KEYS[5])
return cjson.encode(rec)
`;

/**
 * KEYS rec due claims claimedAt ver remind; ARGV batch redriveAfterSeconds defaultRepeatEvery.
 * Claims every service whose death instant has passed and that is still overdue (a pulse that arrived
 * first always wins), marks it dead, and also returns claims older than redriveAfterSeconds.
 */
export const CLAIM_DUE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local sec = tonumber(t[1])
local out = {}
for _, s in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))) do
  redis.call('ZREM', KEYS[2], s)
  local raw = redis.call('HGET', KEYS[1], s)
  if raw then
    local rec = cjson.decode(raw)
    if (not rec.alerted) and (not rec.cancelled) and sec > rec.expected then
      rec.alerted = true
      rec.deadAt = sec
      rec.version = redis.call('INCR', KEYS[5])
      raw = cjson.encode(rec)
      redis.call('HSET', KEYS[1], s, raw)
      redis.call('HSET', KEYS[3], s, raw)
      redis.call('ZADD', KEYS[4], now, s)
      local every = rec.repeatEvery or tonumber(ARGV[3])
      if every > 0 then redis.call('ZADD', KEYS[6], sec + every, s) end
      table.insert(out, raw)
    end
  end
end
for _, s in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now - tonumber(ARGV[2]), 'LIMIT', 0, tonumber(ARGV[1]))) do
  redis.call('ZADD', KEYS[4], now, s)
  local raw = redis.call('HGET', KEYS[3], s)
  if raw then table.insert(out, raw) end
end
return out
`;

/** KEYS claims claimedAt; ARGV service expected. Forgets a claim once its jobs are queued. */
export const ACK_CLAIM = `
local raw = redis.call('HGET', KEYS[1], ARGV[1])
if raw and cjson.decode(raw).expected == tonumber(ARGV[2]) then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('ZREM', KEYS[2], ARGV[1])
end
return 1
`;

/**
 * KEYS due alive; ARGV graceSeconds aliveTtlMs. At startup, when no API process is alive, postpones every death
 * instant that fell due while none ran (or falls due within the grace) to now + grace (§6.6).
 * Returns how many were postponed, or -1 when another process is alive.
 */
export const STARTUP_GRACE = `
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
local t = redis.call('TIME')
local until_ = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[1])
local n = 0
for _, s in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. until_)) do
  redis.call('ZADD', KEYS[1], until_, s)
  n = n + 1
end
redis.call('SET', KEYS[2], '1', 'PX', tonumber(ARGV[2]))
return n
`;

/**
 * KEYS rec remind; ARGV batch defaultRepeatEvery. Claims the reminders that are due and schedules the
 * next ones; a service that pulsed, was cancelled or deleted meanwhile is dropped. Returns
 * {record, reminder number} pairs.
 */
export const CLAIM_REMINDERS = `
local t = redis.call('TIME')
local sec = tonumber(t[1])
local out = {}
for _, s in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', sec, 'LIMIT', 0, tonumber(ARGV[1]))) do
  local raw = redis.call('HGET', KEYS[1], s)
  local rec = raw and cjson.decode(raw)
  local every = rec and (rec.repeatEvery or tonumber(ARGV[2])) or 0
  if rec and rec.alerted and (not rec.cancelled) and every > 0 and rec.deadAt then
    local n = math.floor((sec - rec.deadAt) / every)
    redis.call('ZADD', KEYS[2], rec.deadAt + (n + 1) * every, s)
    table.insert(out, raw)
    table.insert(out, n)
  else
    redis.call('ZREM', KEYS[2], s)
  end
end
return out
`;
