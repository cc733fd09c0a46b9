-- Pulses WT_COUNT services, WT_SERVICE_PREFIX..k, once each, with the nextIn that puts every deadline at the
-- same epoch second WT_DUE_AT (computed per request, so a burst that straddles a second boundary still lands
-- on it). Each reply's service and expected go to stdout as "DUE <service> <expected>", then FILLDONE after
-- the last reply (the runner interrupts wrk).
-- Env: WT_PASSWORD, WT_COUNT, WT_DUE_AT, WT_SERVICE_PREFIX (default "due-").
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
common.headers("POST")

local count = tonumber(os.getenv("WT_COUNT") or "0")
local due_at = tonumber(os.getenv("WT_DUE_AT") or "0")
local prefix = os.getenv("WT_SERVICE_PREFIX") or "due-"
local k = 0
local reserved = 0

function delay()
  if reserved >= count then return 3600000 end
  reserved = reserved + 1
  return 0
end

function request()
  local s = k
  if common.mark_sent() then
    k = k + 1
  end
  local next_in = math.max(1, due_at - os.time())
  return wrk.format(nil, nil, nil, string.format(
    '{"service":"%s%d","alertType":"log","alertTarget":"ops","nextIn":%d}', prefix, s, next_in))
end

function response(status, headers, body)
  got = got + 1
  if status < 200 or status > 299 then
    bad = bad + 1
  else
    local service = body:match('"service":"([^"]*)"')
    local expected = body:match('"expected":(%d+)')
    io.write(string.format("DUE %s %s\n", service or "?", expected or "?"))
  end
  if got == count then
    io.write("FILLDONE\n")
    io.flush()
    wrk.thread:stop()
  end
end

setup = common.setup
done = common.done
