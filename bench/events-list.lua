-- GET with the password header (the URL carries the path and query, e.g. /events?limit=100).
local common = dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "common.lua")
common.headers("GET")
wrk.headers["Content-Type"] = nil

function request()
  common.mark_sent()
  return wrk.format()
end

setup = common.setup
done = common.done
