-- wrk script for one load slice (webtier drill): counts responses by HTTP status in every thread
-- and, when wrk is done, prints one JSON line with the merged counts and the latency percentiles
-- (microseconds) that `webtier drill` attributes to the phase the slice started in.
--
--   wrk -t2 -c1000 -d1s --timeout 10s --latency -s slice.lua URL
--
-- Each thread runs in its own Lua state: setup() keeps a handle on every thread so done() (in the
-- main state) can read their counts with thread:get().

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses")
    for status, n in pairs(counts) do
      merged[status] = (merged[status] or 0) + n
    end
  end
  local parts = {}
  for status, n in pairs(merged) do
    table.insert(parts, string.format('"%d":%d', status, n))
  end
  table.sort(parts)
  local e = summary.errors
  io.write(string.format(
    '\nWEBTIER-SLICE {"requests":%d,"durationUs":%d,"statuses":{%s},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latencyUs":{"p50":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, table.concat(parts, ","),
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
