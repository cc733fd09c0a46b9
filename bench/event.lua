-- POST /add-event. Sends only during the first WT_WINDOW_MS milliseconds (run wrk for ~1 s longer):
-- after that, delay() parks every connection, so each request that was sent gets its reply before wrk
-- stops and "2xx replies" is exactly the number of events the API acknowledged.
-- Env: WT_PASSWORD, WT_WINDOW_MS (default 10000), WT_SERVICES (default 10000), WT_SERVICE_PREFIX (default "svc-").
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
common.headers("POST")

local window = tonumber(os.getenv("WT_WINDOW_MS") or "10000")
local n = tonumber(os.getenv("WT_SERVICES") or "10000")
local prefix = os.getenv("WT_SERVICE_PREFIX") or "svc-"
local messages = {
  "disk %d%% full on /var",
  "backup finished in %d s",
  "connection refused by db-%d",
  "certificate expires in %d days",
  "queue depth %d above threshold",
}
local i = -1
local stop_at = nil

function delay()
  if stop_at ~= nil and common.now_ms() >= stop_at then
    return 3600000
  end
  return 0
end

function request()
  i = i + 1
  if common.mark_sent() and stop_at == nil then
    stop_at = first_ms + window
  end
  local message = string.format(messages[(i % #messages) + 1], i % 100)
  return wrk.format(nil, nil, nil, string.format(
    '{"service":"%s%d","level":%d,"message":"%s"}', prefix, i % n, i % 6, message))
end

setup = common.setup
done = common.done
