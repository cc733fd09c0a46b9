-- POST /add-event, bounded so that every request sent gets its reply before wrk stops, and "2xx replies" is
-- exactly the number of events the API acknowledged:
--   WT_COUNT=n: exactly n events, then FILLDONE as soon as the last reply is in (the runner interrupts wrk);
--   otherwise sends only during the first WT_WINDOW_MS milliseconds (run wrk ~1 s longer), then delay()
--   parks every connection.
-- Each message ends with "#<WT_TAG>-<thread>-<n>", unique in the run, so the runner can count lost and
-- duplicated rows in PostgreSQL.
-- Env: WT_PASSWORD, WT_COUNT, WT_WINDOW_MS (default 10000), WT_SERVICES (default 10000),
-- WT_SERVICE_PREFIX (default "svc-"), WT_TAG (default "e").
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
common.headers("POST")

local count = tonumber(os.getenv("WT_COUNT") or "0")
local window = tonumber(os.getenv("WT_WINDOW_MS") or "10000")
local n = tonumber(os.getenv("WT_SERVICES") or "10000")
local prefix = os.getenv("WT_SERVICE_PREFIX") or "svc-"
local tag = os.getenv("WT_TAG") or "e"
local messages = {
  "disk %d%% full on /var",
  "backup finished in %d s",
  "connection refused by db-%d",
  "certificate expires in %d days",
  "queue depth %d above threshold",
}
local i = -1
local reserved = 0
local stop_at = nil

-- wrk calls delay() once before each request it sends: in count mode the slot is reserved here, or several
-- connections could all be let through for the last event and overshoot the count.
function delay()
  if count > 0 then
    if reserved >= count then return 3600000 end
    reserved = reserved + 1
    return 0
  end
  if stop_at ~= nil and common.now_ms() >= stop_at then
    return 3600000
  end
  return 0
end

function request()
  local real = common.mark_sent()
  if real then
    i = i + 1
    if stop_at == nil then stop_at = first_ms + window end
  end
  local k = math.max(i, 0)
  local message = string.format(messages[(k % #messages) + 1], k % 100)
  return wrk.format(nil, nil, nil, string.format(
    '{"service":"%s%d","level":%d,"message":"%s #%s-%d-%d"}', prefix, k % n, k % 6, message, tag, id, k))
end

function response(status, headers, body)
  got = got + 1
  if status < 200 or status > 299 then bad = bad + 1 end
  if count > 0 and got == count then
    io.write("FILLDONE\n")
    io.flush()
    wrk.thread:stop()
  end
end

setup = common.setup
done = common.done
