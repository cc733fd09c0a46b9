-- Shared by the bench/*.lua wrk scripts (loaded with dofile in every Lua state wrk creates).
-- Per-thread counters are globals so that done() can read them with thread:get().
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_usec; } wt_timeval;
  int gettimeofday(wt_timeval *tv, void *tz);
]]
local tv = ffi.new("wt_timeval")

local M = { threads = {} }

function M.now_ms()
  ffi.C.gettimeofday(tv, nil)
  return tonumber(tv.tv_sec) * 1000 + tonumber(tv.tv_usec) / 1000
end

-- Common request headers: JSON body and the shared secret from the environment.
function M.headers(method)
  wrk.method = method
  wrk.headers["Content-Type"] = "application/json"
  local password = os.getenv("WT_PASSWORD")
  if password and password ~= "" then
    wrk.headers["password"] = password
  end
end

sent, first_ms, last_ms, got, bad = 0, 0, 0, 0, 0
local verified = false

-- Call from request(). wrk calls request() once in thread 0's state before starting, only to check the
-- request (script_verify_request): that request is never sent. Returns false for that call, true (and
-- counts the request) otherwise. `id` is set per thread by setup().
function M.mark_sent()
  if id == 0 and not verified then
    verified = true
    return false
  end
  local t = M.now_ms()
  if first_ms == 0 then first_ms = t end
  last_ms = t
  sent = sent + 1
  return true
end

function M.setup(thread)
  thread:set("id", #M.threads)
  table.insert(M.threads, thread)
end

-- One machine-readable line; run.mjs parses it (the human summary above it is wrk's own).
function M.done(summary, latency, requests)
  local s, first, last, g, b = 0, nil, 0, 0, 0
  for _, t in ipairs(M.threads) do
    s = s + (t:get("sent") or 0)
    g = g + (t:get("got") or 0)
    b = b + (t:get("bad") or 0)
    local f = t:get("first_ms") or 0
    if f > 0 and (first == nil or f < first) then first = f end
    local l = t:get("last_ms") or 0
    if l > last then last = l end
  end
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"stdev":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d},' ..
    '"sent":%d,"got":%d,"bad":%d,"send_window_ms":%.1f}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency.mean, latency.stdev, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    s, g, b, (first and (last - first)) or 0))
end

return M
