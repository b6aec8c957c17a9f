// The autocannon fallback of bench/lib/load.ts, run as its own process: one bounded run, one JSON line out.
import autocannon from 'autocannon';

const spec = JSON.parse(process.argv[2]);
let n = 0;
const templated = spec.body?.includes('{{id}}');
const result = await autocannon({
  url: spec.url,
  method: spec.method ?? 'GET',
  headers: spec.headers ?? {},
  body: templated ? undefined : spec.body,
  connections: spec.connections,
  duration: spec.durationSec,
  timeout: 10,
  requests: templated ? [{ setupRequest: (req) => ({ ...req, body: spec.body.replaceAll('{{id}}', String(++n)) }) }] : undefined,
});
const errors = result.errors + result.timeouts + result.non2xx;
process.stdout.write(
  `${JSON.stringify({ requests: result.requests.total, rps: result.requests.total / (result.duration || spec.durationSec), p50Ms: result.latency.p50, p99Ms: result.latency.p99, errors })}\n`,
);
