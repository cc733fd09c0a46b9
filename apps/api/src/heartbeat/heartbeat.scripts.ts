// Lua scripts applied atomically by Redis: each heartbeat transition and its deadline change in one step
// (watchtower-protocol.md §6.1). `now` comes from the API's Clock as the first ARGV (epoch ms), so one decision
// never mixes two clocks; the formulas below are the only place deadlines and reminder times are computed.
// The keys each script names are described in heartbeat.keys.ts.

/** The formulas, shared by every script. */
const FORMULAS = `
local nowMs = tonumber(ARGV[1])
local now = nowMs / 1000
local sec = math.floor(now)
-- a service is dead once a whole second has passed after its expected pulse (§6.3)
local function deathAt(rec) return rec.expected + 1 end
-- reminders fall every \`every\` seconds after the death; the next one strictly after \`at\`
local function nextReminder(rec, at, every) return rec.deadAt + (math.floor((at - rec.deadAt) / every) + 1) * every end
local function repeatEvery(rec, default) return rec.repeatEvery or tonumber(default) end
`;

/** A script body with the formulas in front, so every script computes deadlines and reminders alike. */
export function script(body: string): string {
  return FORMULAS + body;
}

/** Fields of one pulse in the PULSES call: service alertType alertTarget nextIn repeatEvery('' = none) maxServices. */
export const PULSE_ARGS = 6;

/**
 * KEYS rec due seq ver remind recov recovAt order dirty; ARGV nowMs, then PULSE_ARGS per pulse. The
 * pulses that arrived in one event-loop turn, applied in order, each on its own (watchtower-protocol.md §6.2): a
 * pulse that ends a death records its recovery claim in the same step, and every pulse marks its service dirty
 * so the worker copies the record to PostgreSQL. Returns three entries per pulse: 'ok', record, the record before
 * the pulse when the pulse ended a death ('' otherwise: nothing else needs it, and it would double the reply), or
 * 'limit', '', ''.
 */
export const PULSES = script(`
local out = {}
local n = 0
-- one INCRBY for the whole call: a version each, in order; a refused pulse leaves its number unused
local count = (#ARGV - 1) / ${PULSE_ARGS}
local version = redis.call('INCRBY', KEYS[4], count) - count
for i = 2, #ARGV, ${PULSE_ARGS} do
  local service = ARGV[i]
  local prevRaw = redis.call('HGET', KEYS[1], service)
  local prev = prevRaw and cjson.decode(prevRaw)
  if (not prev) and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[i + 5]) then
    out[n + 1] = 'limit'; out[n + 2] = ''; out[n + 3] = ''
  else
    local position
    if prev then
      position = prev.position
    else
      position = redis.call('INCR', KEYS[3])
      redis.call('ZADD', KEYS[8], position, service)
    end
    local nextIn = tonumber(ARGV[i + 3])
    version = version + 1
    local rec = {
      service = service, alertType = ARGV[i + 1], alertTarget = ARGV[i + 2], nextIn = nextIn,
      last = sec, expected = sec + nextIn, alerted = false, cancelled = false,
      position = position, version = version
    }
    if ARGV[i + 4] ~= '' then rec.repeatEvery = tonumber(ARGV[i + 4]) end
    local raw = cjson.encode(rec)
    redis.call('HSET', KEYS[1], service, raw)
    redis.call('ZADD', KEYS[2], deathAt(rec), service)
    redis.call('SADD', KEYS[9], service)
    local recovered = ''
    if prev and prev.alerted then
      -- only a death schedules reminders (CLAIM_DUE, RESTORE), so only a recovery has one to drop
      redis.call('ZREM', KEYS[5], service)
      redis.call('HSET', KEYS[6], service, cjson.encode({record = rec, death = prev.deadAt or prev.expected}))
      redis.call('ZADD', KEYS[7], now, service)
      recovered = prevRaw
    end
    out[n + 1] = 'ok'; out[n + 2] = raw; out[n + 3] = recovered
  end
  n = n + 3
end
return out
`);

/** KEYS rec due ver remind; ARGV nowMs service. Returns the record after the cancel, or nil when unknown. */
export const CANCEL = script(`
local raw = redis.call('HGET', KEYS[1], ARGV[2])
if not raw then return nil end
local rec = cjson.decode(raw)
rec.cancelled = true
rec.version = redis.call('INCR', KEYS[3])
raw = cjson.encode(rec)
redis.call('HSET', KEYS[1], ARGV[2], raw)
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[2])
return raw
`);

/**
 * KEYS rec due claims claimedAt ver remind order dirty; ARGV nowMs service. Returns the deleted record, or nil. The
 * dirty mark makes the worker delete the row again should it have copied the record just before the delete.
 */
export const DELETE = script(`
local raw = redis.call('HGET', KEYS[1], ARGV[2])
if not raw then return nil end
redis.call('HDEL', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('HDEL', KEYS[3], ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[2])
redis.call('ZREM', KEYS[6], ARGV[2])
redis.call('ZREM', KEYS[7], ARGV[2])
redis.call('SADD', KEYS[8], ARGV[2])
local rec = cjson.decode(raw)
rec.version = redis.call('INCR', KEYS[5])
return cjson.encode(rec)
`);

/**
 * KEYS rec due claims claimedAt ver remind; ARGV nowMs batch redriveAfterSeconds defaultRepeatEvery.
 * Claims every service whose death instant has passed and that is still overdue (a pulse that arrived
 * first always wins), marks it dead, and also returns claims older than redriveAfterSeconds.
 */
export const CLAIM_DUE = script(`
local out = {}
for _, s in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, tonumber(ARGV[2]))) do
  redis.call('ZREM', KEYS[2], s)
  local raw = redis.call('HGET', KEYS[1], s)
  if raw then
    local rec = cjson.decode(raw)
    if (not rec.alerted) and (not rec.cancelled) and sec >= deathAt(rec) then
      rec.alerted = true
      rec.deadAt = sec
      rec.version = redis.call('INCR', KEYS[5])
      raw = cjson.encode(rec)
      redis.call('HSET', KEYS[1], s, raw)
      redis.call('HSET', KEYS[3], s, raw)
      redis.call('ZADD', KEYS[4], now, s)
      local every = repeatEvery(rec, ARGV[4])
      if every > 0 then redis.call('ZADD', KEYS[6], nextReminder(rec, sec, every), s) end
      table.insert(out, raw)
    end
  end
end
for _, s in ipairs(redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now - tonumber(ARGV[3]), 'LIMIT', 0, tonumber(ARGV[2]))) do
  redis.call('ZADD', KEYS[4], now, s)
  local raw = redis.call('HGET', KEYS[3], s)
  if raw then table.insert(out, raw) end
end
return out
`);

/**
 * KEYS hash zset; ARGV nowMs field (service value)... Forgets claims (deaths: claims/claimedAt by `expected`;
 * recoveries: recov/recovAt by `death`) once their jobs are queued, each unless a newer claim replaced it meanwhile.
 */
export const ACK = script(`
for i = 3, #ARGV, 2 do
  local raw = redis.call('HGET', KEYS[1], ARGV[i])
  if raw and cjson.decode(raw)[ARGV[2]] == tonumber(ARGV[i + 1]) then
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('ZREM', KEYS[2], ARGV[i])
  end
end
return 1
`);

/**
 * KEYS recov recovAt; ARGV nowMs batch redriveAfterSeconds. Returns the recovery claims older than
 * redriveAfterSeconds (their process died before queuing them) and leases them to the caller for as long again.
 */
export const CLAIM_RECOVERIES = script(`
local out = {}
for _, s in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[3]), 'LIMIT', 0, tonumber(ARGV[2]))) do
  local raw = redis.call('HGET', KEYS[1], s)
  if raw then
    redis.call('ZADD', KEYS[2], now, s)
    table.insert(out, raw)
  else
    redis.call('ZREM', KEYS[2], s)
  end
end
return out
`);

/**
 * KEYS due alive; ARGV nowMs graceSeconds aliveTtlMs. At startup, when no sweeper is alive, postpones every
 * death instant that fell due while none ran to now + grace; records not yet due keep their deadline (§6.6).
 * Returns how many were postponed, or -1 when another sweeper is alive.
 */
export const STARTUP_GRACE = script(`
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
local until_ = now + tonumber(ARGV[2])
local n = 0
for _, s in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)) do
  redis.call('ZADD', KEYS[1], until_, s)
  n = n + 1
end
redis.call('SET', KEYS[2], '1', 'PX', tonumber(ARGV[3]))
return n
`);

/**
 * KEYS rec remind; ARGV nowMs batch defaultRepeatEvery. Claims the reminders that are due and schedules the
 * next ones; a service that pulsed, was cancelled or deleted meanwhile is dropped. Returns
 * {record, reminder number} pairs.
 */
export const CLAIM_REMINDERS = script(`
local out = {}
for _, s in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', sec, 'LIMIT', 0, tonumber(ARGV[2]))) do
  local raw = redis.call('HGET', KEYS[1], s)
  local rec = raw and cjson.decode(raw)
  local every = rec and repeatEvery(rec, ARGV[3]) or 0
  if rec and rec.alerted and (not rec.cancelled) and every > 0 and rec.deadAt then
    redis.call('ZADD', KEYS[2], nextReminder(rec, sec, every), s)
    table.insert(out, raw)
    table.insert(out, math.floor((sec - rec.deadAt) / every))
  else
    redis.call('ZREM', KEYS[2], s)
  end
end
return out
`);

/**
 * KEYS rec due seq ver remind order; ARGV nowMs defaultRepeatEvery graceSeconds record... Refills Redis from PostgreSQL
 * rows (the system of record) with the same formulas as the live transitions: a live death instant for each
 * pending record, the next reminder after now for each dead one (a missed one is not sent twice). A service
 * already in the hash was pulsed after the loss, so its live record is newer than the row and stays. A death
 * instant that passed while the state was lost gets the startup grace (now + grace), not an alert storm.
 */
export const RESTORE = script(`
local maxPosition = tonumber(redis.call('GET', KEYS[3]) or 0)
local maxVersion = tonumber(redis.call('GET', KEYS[4]) or 0)
local graceUntil = now + tonumber(ARGV[3])
for i = 4, #ARGV do
  local rec = cjson.decode(ARGV[i])
  if redis.call('HSETNX', KEYS[1], rec.service, ARGV[i]) == 1 then
    redis.call('ZADD', KEYS[6], rec.position, rec.service)
    if (not rec.alerted) and (not rec.cancelled) then
      local at = deathAt(rec)
      if at <= now then at = graceUntil end
      redis.call('ZADD', KEYS[2], at, rec.service)
    end
    local every = repeatEvery(rec, ARGV[2])
    if rec.alerted and (not rec.cancelled) and every > 0 and rec.deadAt then
      redis.call('ZADD', KEYS[5], nextReminder(rec, sec, every), rec.service)
    end
  end
  maxPosition = math.max(maxPosition, rec.position)
  maxVersion = math.max(maxVersion, rec.version)
end
redis.call('SET', KEYS[3], maxPosition)
redis.call('SET', KEYS[4], maxVersion)
return 1
`);

/** KEYS rec order; ARGV nowMs (service position)... Indexes records written before the order zset existed. */
export const INDEX_ORDER = script(`
for i = 2, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then
    redis.call('ZADD', KEYS[2], 'NX', tonumber(ARGV[i + 1]), ARGV[i])
  end
end
return 1
`);
