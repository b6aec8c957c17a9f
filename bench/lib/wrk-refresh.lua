-- wrk script for refresh-token chains (bench/load/refresh-chains.ts). BENCH_CLIENT_ID is one public client;
-- BENCH_TOKENS holds one refresh token per chain, one a line, each of its own grant. Every answer's refresh_token
-- goes back in the queue and the next request takes the oldest one, so each token is sent once, by a request
-- after the one that got it (rotation on every use). Answers come back in any order across connections, which
-- is why all chains share one client id. wrk asks for one request more than it has connections at the start,
-- so there are twice as many chains as connections: the queue never runs dry. A failed answer ends its chain;
-- an empty queue would send an unknown token, counted as an error. done() prints the same JSON line as wrk.lua.
local client = os.getenv("BENCH_CLIENT_ID") or ""
local queue, head, tail = {}, 1, 0
for token in string.gmatch(os.getenv("BENCH_TOKENS") or "", "[^\n]+") do
  tail = tail + 1
  queue[tail] = token
end

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"

request = function()
  local token = "no-chain-left"
  if head <= tail then
    token = queue[head]
    queue[head] = nil
    head = head + 1
  end
  return wrk.format(nil, nil, nil, "grant_type=refresh_token&refresh_token=" .. token .. "&client_id=" .. client)
end

response = function(status, headers, body)
  local token = status == 200 and string.match(body, '"refresh_token":"([^"]+)"')
  if token then
    tail = tail + 1
    queue[tail] = token
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
