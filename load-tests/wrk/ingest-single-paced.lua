-- ingest-single.lua with a pause of SENTINEL_DELAY_MS (default 20) before each request on every
-- connection: a steady rate below capacity (about connections / (delay + latency)), for soak runs.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
local common = require("common")

setup = common.setup
init = function(args)
  common.init(1)
  pause = tonumber(os.getenv("SENTINEL_DELAY_MS") or "20")
end
delay = function() return pause end
request = function()
  return wrk.format("POST", "/api/v1/analytics/events", headers, common.event())
end
response = common.response
done = common.done
