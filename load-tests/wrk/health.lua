-- GET /health through the same Lua request/response path as the ingest scripts, so the
-- ceiling and the ingest runs pay the same client-side cost.
local threads = {}
setup = function(thread) table.insert(threads, thread) end
init = function(args) ok = 0 end
request = function() return wrk.format("GET", "/health") end
response = function(status, headers, body) if status == 200 then ok = ok + 1 end end
done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("ok") end
  io.write(string.format("ok_requests=%d requests_per_s=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f\n", total,
    total / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
