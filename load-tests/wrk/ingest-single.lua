-- One event per POST, each with a fresh eventId.
package.path = package.path .. ";" .. debug.getinfo(1, "S").source:match("@(.*/)") .. "?.lua"
local common = require("common")

setup = common.setup
init = function(args) common.init(1) end
request = function()
  return wrk.format("POST", "/api/v1/analytics/events", headers, common.event())
end
response = common.response
done = common.done
