-- Shared by the wrk ingest scripts: per-thread fresh eventIds, counting acknowledged events.
-- SENTINEL_API_KEY: the key to send; SENTINEL_RUN: a run nonce so ids never repeat across runs;
-- SENTINEL_CYCLE (optional): ids repeat after this many events per thread (duplicates on purpose).
local common = {}

local threads = {}
local counter = 1

function common.setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function common.init(events_per_request)
  key = os.getenv("SENTINEL_API_KEY")
  run = os.getenv("SENTINEL_RUN") or tostring(os.time())
  per_request = events_per_request
  cycle = tonumber(os.getenv("SENTINEL_CYCLE") or "0")
  seq = 0
  acked_requests = 0
  acked_events = 0
  other = 0
  headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }
end

function common.event(i)
  seq = seq + 1
  if cycle > 0 and seq > cycle then
    seq = 1
  end
  local failover = (seq % 5 == 0)
  return string.format(
    '{"eventId":"w%s-%d-%d","primaryGateway":"stripe","gatewayUsed":"%s","failoverUsed":%s,"success":true,'
      .. '"amount":%d,"currency":"USD","latencyMs":%d%s}',
    run, id, seq, failover and "paypal" or "stripe", failover and "true" or "false",
    100 + (seq % 9000), 50 + (seq % 700), failover and string.format(',"recoveryTimeMs":%d', 200 + seq % 3000) or "")
end

-- Only 202 counts as acknowledged; the done() summary compares this with the rows stored.
function common.response(status, headers, body)
  if status == 202 then
    acked_requests = acked_requests + 1
    acked_events = acked_events + per_request
  else
    other = other + 1
  end
end

function common.done(summary, latency, requests)
  local events, reqs, others = 0, 0, 0
  for _, thread in ipairs(threads) do
    events = events + thread:get("acked_events")
    reqs = reqs + thread:get("acked_requests")
    others = others + thread:get("other")
  end
  local seconds = summary.duration / 1e6
  io.write(string.format("acked_requests=%d acked_events=%d non_202=%d events_per_s=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f\n",
    reqs, events, others, events / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end

return common
