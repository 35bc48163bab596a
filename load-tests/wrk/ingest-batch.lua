-- 100 events per POST ({"events": [...]}), each with a fresh eventId.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
local common = require("common")

local BATCH = 100
setup = common.setup
init = function(args) common.init(BATCH) end
request = function()
  local events = {}
  for i = 1, BATCH do
    events[i] = common.event()
  end
  return wrk.format("POST", "/api/v1/analytics/events", headers, '{"events":[' .. table.concat(events, ",") .. "]}")
end
response = common.response
done = common.done
