-- wrk script for requests that carry a single-use DPoP proof each (bench/lib/dpop-load.ts, scenario 8). Method,
-- headers and body come from the environment as in wrk.lua, "{{id}}" in the body a fresh number per request.
-- BENCH_PROOFS, when set, is the path of a file of proofs, one a line, signed before the run: each request takes
-- the next one into its DPoP header, so no proof is sent twice (RFC 9449 §11.1: a server refuses a replayed jti).
-- With BENCH_THREADS wrk threads, thread k takes lines k+1, k+1+BENCH_THREADS, ...: disjoint slices. A request
-- that finds no proof left goes without one, so the server refuses it (a 401, counted as an error), and done()
-- says how many did ("proofs_short"): running out is never a silent replay. Without BENCH_PROOFS (the Bearer
-- baseline) every request goes through the same code, without a DPoP header. BENCH_PROOF_HEADER names the
-- header the proofs go in (default DPoP; scenario 8's ruler runs send them as DPoP-Ruler beside a Bearer token).
local method = os.getenv("BENCH_METHOD") or "POST"
local body = os.getenv("BENCH_BODY") or ""
local proofsFile = os.getenv("BENCH_PROOFS")
local threadCount = tonumber(os.getenv("BENCH_THREADS") or "1")
local proofHeader = os.getenv("BENCH_PROOF_HEADER") or "DPoP"
local headers = {}
for line in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\n]+") do
  local name, value = string.match(line, "^([^:]+):%s*(.*)$")
  if name then headers[name] = value end
end
-- The body split once around "{{id}}": a concatenation per request, no pattern matching.
local idAt = string.find(body, "{{id}}", 1, true)
local before = idAt and string.sub(body, 1, idAt - 1) or body
local after = idAt and string.sub(body, idAt + 6) or ""

-- Per thread (each wrk thread has its own Lua state). `short` is global: done() reads it with thread:get.
local proofs, count, nextProof, counter = {}, 0, 1, 0
short = 0

-- In the main state, before each thread starts: its slice. The thread list stays here for done().
local threads = {}
setup = function(thread)
  thread:set("slice", #threads)
  table.insert(threads, thread)
end

init = function(args)
  -- JSON-RPC ids: thread k sends k+1, k+1+BENCH_THREADS, ...: unique across threads too.
  counter = slice - threadCount + 1
  if not proofsFile then return end
  local file = assert(io.open(proofsFile, "r"))
  local i = 0
  for line in file:lines() do
    if i % threadCount == slice then
      count = count + 1
      proofs[count] = line
    end
    i = i + 1
  end
  file:close()
end

request = function()
  counter = counter + threadCount
  if proofsFile then
    if nextProof <= count then
      headers[proofHeader] = proofs[nextProof]
      proofs[nextProof] = nil
      nextProof = nextProof + 1
    else
      headers[proofHeader] = nil
      short = short + 1
    end
  end
  return wrk.format(method, nil, headers, before .. (idAt and counter or "") .. after)
end

done = function(summary, latency, requests)
  local shortTotal = 0
  for _, thread in ipairs(threads) do shortTotal = shortTotal + (thread:get("short") or 0) end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"max":%d},"proofs_short":%d}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, shortTotal))
end
