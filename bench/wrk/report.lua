-- wrk reporter: one JSON line with latency percentiles (ms), requests/s and error counts.
-- Non-2xx responses count as errors unless ACCEPT_STATUS (e.g. "409") says otherwise.
local accept = os.getenv("ACCEPT_STATUS") or ""
local statuses = {}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  codes = {}
end

function response(status, headers, body)
  codes[status] = (codes[status] or 0) + 1
end

function done(summary, latency, requests)
  local by_status = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("codes")
    for status, n in pairs(c) do
      by_status[status] = (by_status[status] or 0) + n
    end
  end
  local ok, accepted, bad = 0, 0, 0
  local parts = {}
  for status, n in pairs(by_status) do
    table.insert(parts, string.format('"%d": %d', status, n))
    if status >= 200 and status < 300 then ok = ok + n
    elseif string.find(accept, tostring(status), 1, true) then accepted = accepted + n
    else bad = bad + n end
  end
  local errors = summary.errors
  local socket_errors = errors.connect + errors.read + errors.write + errors.timeout
  io.write(string.format(
    'WRK_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "ok": %d, "accepted": %d, "bad": %d, ' ..
    '"socket_errors": %d, "p50": %.1f, "p95": %.1f, "p99": %.1f, "max": %.1f, "status": {%s}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    ok, accepted, bad, socket_errors,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, table.concat(parts, ", ")))
end
