-- Pulses WT_COUNT services, WT_SERVICE_PREFIX..(WT_FROM + k), exactly once each, then prints FILLDONE as soon
-- as the last reply is in (run.mjs then sends wrk SIGINT, which makes it report at once). Used to bring the number of monitored services up to N quickly.
-- Env: WT_PASSWORD, WT_FROM, WT_COUNT, WT_SERVICE_PREFIX (default "svc-"), WT_NEXT_IN (default 3600).
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
common.headers("POST")

local from = tonumber(os.getenv("WT_FROM") or "0")
local count = tonumber(os.getenv("WT_COUNT") or "0")
local prefix = os.getenv("WT_SERVICE_PREFIX") or "svc-"
local next_in = tonumber(os.getenv("WT_NEXT_IN") or "3600")
local k = 0
local reserved = 0

-- wrk calls delay() once before each request it sends: reserve the slot here, or several connections
-- could all be let through for the last name and overshoot the count.
function delay()
  if reserved >= count then return 3600000 end
  reserved = reserved + 1
  return 0
end

function request()
  local s = from + k
  if common.mark_sent() then
    k = k + 1
  end
  return wrk.format(nil, nil, nil, string.format(
    '{"service":"%s%d","alertType":"log","alertTarget":"ops","nextIn":%d}', prefix, s, next_in))
end

function response(status, headers, body)
  got = got + 1
  if status < 200 or status > 299 then bad = bad + 1 end
  if got == count then
    -- wrk's main thread sleeps for the whole -d: tell run.mjs, which interrupts wrk with SIGINT.
    io.write("FILLDONE\n")
    io.flush()
    wrk.thread:stop()
  end
end

setup = common.setup
done = common.done
