/**
 * Closed-loop OAuth clients, run as their own process on the load core (the token endpoint's answers feed the
 * next request, which wrk cannot do). Modes:
 *   flows:   complete authorization-code flows (register, authorize, token), `concurrency` at once
 *   refresh: `concurrency` refresh-token chains, each request using the token the previous one returned
 *   burst:   `concurrency` flows started at once, one each, then it stops (the flow burst scenario)
 * Stops after `durationSec` or `maxOps`; prints one JSON line: ops, ops/s, p50/p99/max per op, errors, the wall
 * time, the HTTP requests one flow took, and the load process's own CPU milliseconds.
 */
import { authorizationCodeFlow, refresh, type FlowEndpoints } from '../lib/oauth.js';

interface Spec extends FlowEndpoints {
  mode: 'flows' | 'refresh' | 'burst';
  concurrency: number;
  durationSec: number;
  maxOps: number;
}

const spec = JSON.parse(process.argv[2]!) as Spec;
const latencies: number[] = [];
let errors = 0;
let firstError: string | undefined;
let ops = 0;
let requestsPerFlow = 0;

/** A flow, checked: it must end with an access token and a refresh token (both servers issue one here). */
async function flow() {
  const f = await authorizationCodeFlow(spec);
  if (!f.tokens.access_token || !f.tokens.refresh_token) throw new Error(`token answer without ${f.tokens.access_token ? 'a refresh' : 'an access'} token`);
  requestsPerFlow = f.requests;
  return f;
}

// Set-up (each refresh chain's first flow) happens before the clock starts.
const chains =
  spec.mode === 'refresh'
    ? await Promise.all(
        Array.from({ length: spec.concurrency }, async () => {
          const { clientId, tokens } = await flow();
          return { clientId, refreshToken: tokens.refresh_token! };
        }),
      )
    : [];

const t0 = performance.now();
const cpu0 = process.cpuUsage();
// A burst has no clock: each of its flows runs once, all started together.
const deadline = spec.mode === 'burst' ? Infinity : t0 + spec.durationSec * 1000;

async function worker(i: number) {
  const chain = chains[i];
  for (let mine = 0; performance.now() < deadline && ops < spec.maxOps; mine++) {
    if (spec.mode === 'burst' && mine === 1) return;
    const t = performance.now();
    try {
      if (chain) chain.refreshToken = (await refresh(spec.token, chain.clientId, chain.refreshToken)).refresh_token!;
      else await flow();
      latencies.push(performance.now() - t);
      ops++;
    } catch (err) {
      errors++;
      firstError ??= (err as Error).message;
      if (chain) return; // a broken chain cannot go on
    }
  }
}

await Promise.all(Array.from({ length: spec.concurrency }, (_, i) => worker(i)));
const elapsed = (performance.now() - t0) / 1000;
latencies.sort((a, b) => a - b);
/** This load process's own CPU time since the clock started, so a tool can tell whether the server or the load was the bound. */
const cpuMsOf = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;
const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]! : 0);
process.stdout.write(
  `${JSON.stringify({ tool: 'clients', requests: ops, rps: ops / elapsed, p50Ms: pct(50), p99Ms: pct(99), maxMs: latencies.at(-1) ?? 0, wallMs: elapsed * 1000, requestsPerFlow, errors, firstError, cpuMs: cpuMsOf(process.cpuUsage(cpu0)) })}\n`,
);
