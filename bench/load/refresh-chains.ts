/**
 * Refresh-token chains under wrk, run as their own process on the load core: `concurrency` connections, each
 * request sending a refresh token the previous answer of its chain returned (bench/lib/wrk-refresh.lua), over
 * twice as many chains (grants). The first tokens come from authorization-code flows of one registered public
 * client (ours), or from `seed` (oidc-provider's bench server: GET <seed>?n= answers [{ clientId, refreshToken }],
 * one client). wrk sends them
 * at the cost it sends client_credentials, where a Node client loop (bench/load/clients.ts) spent more CPU per
 * request than the server did and capped the refresh figure. Prints the same JSON line as bench/load/clients.ts.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { authorizationCodeFlow, registerPublicClient, type FlowEndpoints } from '../lib/oauth.js';

interface Spec extends Partial<FlowEndpoints> {
  token: string;
  concurrency: number;
  durationSec: number;
  seed?: string;
}

const spec = JSON.parse(process.argv[2]!) as Spec;

const CHAINS = spec.concurrency * 2;

async function chains(): Promise<{ clientId: string; tokens: string[] }> {
  if (spec.seed) {
    const res = await fetch(`${spec.seed}?n=${CHAINS}`);
    if (!res.ok) throw new Error(`seed ${res.status}: ${await res.text()}`);
    const seeded = (await res.json()) as Array<{ clientId: string; refreshToken: string }>;
    return { clientId: seeded[0]!.clientId, tokens: seeded.map((c) => c.refreshToken) };
  }
  const ep = spec as FlowEndpoints;
  const clientId = await registerPublicClient(ep);
  // One grant per chain, one after the other (a flow's audit trail is per client).
  const tokens: string[] = [];
  for (let i = 0; i < CHAINS; i++) tokens.push((await authorizationCodeFlow(ep, clientId)).tokens.refresh_token!);
  return { clientId, tokens };
}

const { clientId, tokens } = await chains();
const lua = fileURLToPath(new URL('../lib/wrk-refresh.lua', import.meta.url));
const wrk = spawnSync('wrk', ['-t1', `-c${spec.concurrency}`, `-d${spec.durationSec}s`, '--timeout', '10s', '-s', lua, spec.token], {
  encoding: 'utf8',
  env: { ...process.env, BENCH_CLIENT_ID: clientId, BENCH_TOKENS: tokens.join('\n') },
  timeout: (spec.durationSec + 30) * 1000,
});
const line = wrk.stdout?.split('\n').find((l) => l.startsWith('WRKJSON '));
if (wrk.status !== 0 || !line) throw new Error(`wrk: ${wrk.stderr || wrk.stdout}`);
const j = JSON.parse(line.slice(8));
const errors = j.errors.connect + j.errors.read + j.errors.write + j.errors.status + j.errors.timeout;
process.stdout.write(
  `${JSON.stringify({ tool: 'wrk', requests: j.requests, rps: j.requests / (j.duration_us / 1e6), p50Ms: j.latency_us.p50 / 1000, p99Ms: j.latency_us.p99 / 1000, errors, ...(errors > 0 && { firstError: `${errors} failed answers (status ${j.errors.status})` }) })}\n`,
);
