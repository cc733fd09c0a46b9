-- POST / pulses rotating over WT_SERVICES service names (default 10 000), so no single hot key.
-- Env: WT_PASSWORD, WT_SERVICES, WT_SERVICE_PREFIX (default "svc-"), WT_NEXT_IN (default 3600).
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
common.headers("POST")

local n = tonumber(os.getenv("WT_SERVICES") or "10000")
local prefix = os.getenv("WT_SERVICE_PREFIX") or "svc-"
local next_in = tonumber(os.getenv("WT_NEXT_IN") or "3600")
local i = -1

function request()
  i = (i + 1) % n
  common.mark_sent()
  return wrk.format(nil, nil, nil, string.format(
    '{"service":"%s%d","alertType":"log","alertTarget":"ops","nextIn":%d}', prefix, i, next_in))
end

setup = common.setup
done = common.done
