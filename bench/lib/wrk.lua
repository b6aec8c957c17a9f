-- wrk script for the bench: method, headers and body come from the environment; "{{id}}" in the body becomes a
-- fresh number per request (JSON-RPC ids must be unique among requests in flight on one MCP session).
-- done() prints one JSON line: requests, duration, errors and latency percentiles in microseconds.
local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY")
local headers = {}
for line in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\n]+") do
  local name, value = string.match(line, "^([^:]+):%s*(.*)$")
  if name then headers[name] = value end
end
local counter = 0
local templated = body ~= nil and string.find(body, "{{id}}", 1, true) ~= nil

if templated then
  request = function()
    counter = counter + 1
    return wrk.format(method, nil, headers, (string.gsub(body, "{{id}}", tostring(counter))))
  end
else
  -- A fixed request is formatted once by wrk itself: no Lua per request.
  wrk.method = method
  wrk.body = body
  for k, v in pairs(headers) do wrk.headers[k] = v end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
