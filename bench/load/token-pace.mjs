// Scenario 2w's writes (bench/lib/token-pace.ts), run as its own process on the load core: client_credentials
// requests at a fixed rate, open loop (sent on a clock, not when an answer comes back), so every run commits the same
// number of times a second whatever the reads do. Bounded: stops sending after durationSec, waits at most drainSec
// (5 s unless told) for the last answers, prints one JSON line and exits. Requests still unanswered then are counted
// as errors and, apart, as `unanswered` (and how many of those had been written to a connection: the others waited
// in this process's agent for one of its few connections), with when the last answer came and when the oldest of
// them was sent: what tells a server that stopped answering from one that was only slow. Those requests are then
// aborted and the process exits: closing a connection would otherwise hand a waiting request a new one.
import { Agent, request } from 'node:http';

const spec = JSON.parse(process.argv[2]);
const body = new URLSearchParams({ grant_type: 'client_credentials', scope: spec.scope ?? 'read write', resource: spec.resource }).toString();
const headers = {
  authorization: `Basic ${Buffer.from(`${spec.client[0]}:${spec.client[1]}`).toString('base64')}`,
  'content-type': 'application/x-www-form-urlencoded',
  'content-length': Buffer.byteLength(body),
};
// A few keep-alive connections: at 1,000/s an answer takes ~0.2-3 ms amid the reads, so one to three are busy at a time.
const agent = new Agent({ keepAlive: true, maxSockets: spec.connections ?? 8 });
// Past this many without an answer the server is not keeping up: the rest of the tick's due requests are counted
// as late (not sent), so a stalled server is reported instead of buried under a queue.
const MAX_IN_FLIGHT = 256;

let sent = 0;
let ok = 0;
let errors = 0;
let late = 0;
let inFlight = 0;
let firstError;
let lastAnswerMs;
const latencies = [];
/** The requests waiting for an answer and when each was sent, oldest first (a Map keeps insertion order). */
const waiting = new Map();
/** Set once the counts are taken: requests aborted after that are not counted again. */
let counted = false;

function send() {
  sent++;
  inFlight++;
  const t = performance.now();
  const done = (status, err) => {
    if (counted) return;
    inFlight--;
    waiting.delete(req);
    if (status === 200) {
      ok++;
      lastAnswerMs = performance.now() - t0;
      latencies.push(performance.now() - t);
    } else {
      errors++;
      firstError ??= err ? err.message : `status ${status}`;
    }
  };
  const req = request(spec.tokenUrl, { method: 'POST', headers, agent }, (res) => {
    res.resume();
    res.on('end', () => done(res.statusCode));
  });
  req.on('error', (err) => done(0, err));
  waiting.set(req, t);
  req.end(body);
}

const t0 = performance.now();
const cpu0 = process.cpuUsage();
const durationMs = spec.durationSec * 1000;
await new Promise((resolve) => {
  const timer = setInterval(() => {
    const elapsed = Math.min(performance.now() - t0, durationMs);
    // Requests due by now at the fixed rate; a timer that fires late sends the ones it owes at once.
    const due = Math.floor((elapsed / 1000) * spec.rate);
    while (sent + late < due) {
      if (inFlight >= MAX_IN_FLIGHT) late++;
      else send();
    }
    if (elapsed >= durationMs) {
      clearInterval(timer);
      resolve();
    }
  }, 1);
});
const sendingMs = performance.now() - t0;
const drainUntil = performance.now() + (spec.drainSec ?? 5) * 1000;
while (inFlight > 0 && performance.now() < drainUntil) await new Promise((r) => setTimeout(r, 2));
counted = true;
const unanswered = inFlight;
// A request the agent has given a connection to has its socket; the others still wait in the agent's queue.
const unansweredOnWire = [...waiting.keys()].filter((req) => req.socket).length;
const oldestUnansweredMs = unanswered > 0 ? waiting.values().next().value - t0 : undefined;
errors += unanswered;
for (const req of waiting.keys()) req.destroy();
agent.destroy();
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] : 0);
const cpu = process.cpuUsage(cpu0);
process.stdout.write(
  `${JSON.stringify({ tool: 'token-pace', requests: ok, rps: ok / (sendingMs / 1000), sent, late, unanswered, unansweredOnWire, lastAnswerMs, oldestUnansweredMs, p50Ms: pct(50), p99Ms: pct(99), errors, firstError, cpuMs: (cpu.user + cpu.system) / 1000 })}\n`,
  () => process.exit(0),
);
