/**
 * Scenario 5 (complete authorization-code flows per second, ours against oidc-provider doing the same flow) and
 * scenario 5b (the flow burst: 200 flows started at once). Both run in bench/load/clients.ts, a closed-loop client
 * process on the load core; the servers are on the server core. Called from bench/run.ts with what it shares.
 */
import type { LoadResult } from '../lib/load.js';
import { rssBytes, spawnServer, stopServer, waitReady, type Server } from '../lib/proc.js';
import { median, MiB, round } from '../lib/stats.js';
import type { Sample, Scenario, Variant } from '../report.js';

export interface FlowsContext {
  quick: boolean;
  rounds: number;
  logs: string;
  /** Our server (SQLite), as bench/run.ts shares it between scenarios. */
  ours: { issuer: string; tokenUrl: string; mcpUrl: string; pid: number };
  freePort(): Promise<number>;
  log(msg: string): void;
  runClients(spec: Record<string, unknown>): Promise<LoadResult>;
  /** bench/run.ts's warm-up + interleaved ABBA rounds. */
  interleave(contenders: Array<{ name: string; label: string; role: Variant['role']; pid: () => number; prepare: () => Promise<{ clients: Record<string, unknown> }> }>): Promise<Variant[]>;
  ratio(variants: Variant[], subject: string, baseline: string): number;
}

/** The flow as oidc-provider does it (bench/servers/oidc-provider-flows.mjs): in-memory adapter, auto-approval. */
async function startPeer(ctx: FlowsContext): Promise<{ server: Server; base: string }> {
  const port = await ctx.freePort();
  const server = spawnServer('oidc-provider-flows', process.execPath, ['bench/servers/oidc-provider-flows.mjs'], { PORT: String(port), BENCH_RESOURCE: ctx.ours.mcpUrl }, ctx.logs);
  const base = `http://127.0.0.1:${port}`;
  await waitReady(server, `${base}/.well-known/openid-configuration`);
  return { server, base };
}

const oursEndpoints = (ctx: FlowsContext) => ({ register: `${ctx.ours.issuer}/oauth/register`, authorize: `${ctx.ours.issuer}/oauth/authorize`, token: ctx.ours.tokenUrl, resource: ctx.ours.mcpUrl });
const peerEndpoints = (ctx: FlowsContext, base: string) => ({ register: `${base}/reg`, authorize: `${base}/auth`, token: `${base}/token`, resource: ctx.ours.mcpUrl });

const FLOW_CONCURRENCY = 8;

export async function flowsScenario(ctx: FlowsContext): Promise<Scenario> {
  ctx.log('scenario 5: complete authorization-code flows, ours vs oidc-provider');
  const peer = await startPeer(ctx);
  let requestsPerFlow: Record<string, number> = {};
  const load = (name: string, endpoints: Record<string, string>) => async () => ({
    clients: { mode: 'flows', concurrency: FLOW_CONCURRENCY, maxOps: 1_000_000, ...endpoints, name },
  });
  const variants = await ctx.interleave([
    { name: 'flows-sqlite', label: `ours: register + authorize (demo approval) + token, ${FLOW_CONCURRENCY} at once, SQLite`, role: 'subject', pid: () => ctx.ours.pid, prepare: load('flows-sqlite', oursEndpoints(ctx)) },
    {
      name: 'oidc-provider-flows',
      label: `oidc-provider 9: register + authorize (interaction finished at once) + token, ${FLOW_CONCURRENCY} at once, in-memory adapter`,
      role: 'peer',
      pid: () => peer.server.pid,
      prepare: load('oidc-provider-flows', peerEndpoints(ctx, peer.base)),
    },
  ]);
  // How many HTTP requests one flow took on each side (the load process counts them).
  for (const [name, endpoints] of [['flows-sqlite', oursEndpoints(ctx)], ['oidc-provider-flows', peerEndpoints(ctx, peer.base)]] as const) {
    const r = (await ctx.runClients({ mode: 'burst', concurrency: 1, maxOps: 1, durationSec: 0, ...endpoints })) as LoadResult & { requestsPerFlow?: number };
    requestsPerFlow = { ...requestsPerFlow, [name]: r.requestsPerFlow ?? 0 };
  }
  await stopServer(peer.server);
  const r = ctx.ratio(variants, 'flows-sqlite', 'oidc-provider-flows');
  return {
    id: 's5',
    title: '5. Complete authorization-code flows per second',
    baseline: 'oidc-provider-flows',
    variants,
    ratios: [{ subject: 'flows-sqlite', baseline: 'oidc-provider-flows', value: r, of: 'flows/s' }],
    targets: [{ name: 'complete authorization-code flows ≥ 2x oidc-provider', value: r, op: '>=', threshold: 2, met: r >= 2 }],
    notes: [
      `req/s here is complete flows per second; p50/p99 are per whole flow. Each flow is a new public client: RFC 7591 registration, the authorization request with PKCE S256, scope "read write" and a resource indicator, approval without a person, and the code exchange (access token, ES256 JWT, and refresh token).`,
      `HTTP requests per flow: ours ${requestsPerFlow['flows-sqlite']} (POST /oauth/register, GET /oauth/authorize → 302 with the code, POST /oauth/token); oidc-provider ${requestsPerFlow['oidc-provider-flows']} (POST /reg, GET /auth → 303 to its interaction URL, GET /interaction/<uid> → 303 back, GET /auth/<uid> → 303 with the code, POST /token). oidc-provider always sends the browser through an interaction URL; the bench server's interaction route (bench/servers/oidc-provider-flows.mjs) records login and consent at once with the Grant API and interactionFinished, the equivalent of our demo mode. The load process follows the redirects with the cookies it is given, as a browser would.`,
      'oidc-provider keeps everything in memory (its default adapter); ours writes every client, grant, code, refresh token and audit row to SQLite.',
    ],
  };
}

const BURST = 200;

/** One burst: BURST flows started at once; every flow must succeed. */
async function burst(ctx: FlowsContext, endpoints: Record<string, string>, pid: number): Promise<Sample & { maxMs: number; wallMs: number }> {
  const r = (await ctx.runClients({ mode: 'burst', concurrency: BURST, maxOps: BURST, durationSec: 0, ...endpoints })) as LoadResult & { maxMs: number; wallMs: number; firstError?: string };
  if (r.errors > 0) ctx.log(`  burst: ${r.errors} of ${BURST} flows failed: ${r.firstError}`);
  return { rps: round(r.rps, 1), p50Ms: round(r.p50Ms, 1), p99Ms: round(r.p99Ms, 1), maxMs: round(r.maxMs, 1), wallMs: round(r.wallMs, 1), requests: r.requests, errors: r.errors, rssMiB: round(rssBytes(pid) / MiB, 1), tool: 'clients' };
}

export async function flowBurstScenario(ctx: FlowsContext): Promise<Scenario> {
  ctx.log(`scenario 5b: a burst of ${BURST} complete authorization-code flows started at once`);
  const peer = await startPeer(ctx);
  const kinds = [
    { name: 'burst-sqlite', label: `ours, SQLite: ${BURST} flows at once`, role: 'subject' as const, run: () => burst(ctx, oursEndpoints(ctx), ctx.ours.pid) },
    { name: 'burst-oidc-provider', label: `oidc-provider 9, in-memory: ${BURST} flows at once`, role: 'peer' as const, run: () => burst(ctx, peerEndpoints(ctx, peer.base), peer.server.pid) },
  ];
  for (const k of kinds) await k.run(); // warm-up
  const samples = new Map<string, Array<Sample & { maxMs: number; wallMs: number }>>(kinds.map((k) => [k.name, []]));
  for (let i = 0; i < ctx.rounds; i++) {
    for (const k of i % 2 ? [...kinds].reverse() : kinds) {
      const s = await k.run();
      samples.get(k.name)!.push(s);
      ctx.log(`  burst ${i + 1} ${k.name}: wall ${s.wallMs} ms, per flow p50 ${s.p50Ms} p99 ${s.p99Ms} max ${s.maxMs} ms, ${s.errors} failed`);
    }
  }
  await stopServer(peer.server);
  const variants: Variant[] = kinds.map((k) => {
    const ss = samples.get(k.name)!;
    return {
      name: k.name,
      label: k.label,
      role: k.role,
      samples: ss,
      median: { rps: round(median(ss.map((s) => s.rps)), 1), p50Ms: round(median(ss.map((s) => s.p50Ms)), 1), p99Ms: round(median(ss.map((s) => s.p99Ms)), 1), rssMiB: round(median(ss.map((s) => s.rssMiB)), 1) },
      errors: ss.reduce((a, s) => a + s.errors, 0),
    };
  });
  const ours = samples.get('burst-sqlite')!;
  const peerSamples = samples.get('burst-oidc-provider')!;
  const failed = variants[0]!.errors;
  const mid = (xs: number[]) => round(median(xs), 0);
  return {
    id: 's5b',
    title: `5b. Flow burst: ${BURST} complete authorization-code flows started at once`,
    baseline: 'burst-oidc-provider',
    variants,
    ratios: [{ subject: 'burst-sqlite', baseline: 'burst-oidc-provider', value: round(median(ours.map((s, i) => s.rps / peerSamples[i]!.rps)), 3), of: 'flows/s over the burst' }],
    targets: [{ name: `flow burst: ${BURST} flows at once, none fails (failed flows over all bursts)`, value: failed, op: '<', threshold: 1, met: failed === 0, unit: 'failed' }],
    notes: [
      `Each burst starts ${BURST} flows (register, authorize, token) at the same moment from one load process, one connection each; req/s is ${BURST} over the burst's wall time; p50/p99 per whole flow. ${ctx.rounds} bursts each, interleaved, after one warm-up burst.`,
      `Wall time of a burst (median ms): ours ${mid(ours.map((s) => s.wallMs))}, oidc-provider ${mid(peerSamples.map((s) => s.wallMs))}; slowest flow (median of the bursts' maxima): ours ${mid(ours.map((s) => s.maxMs))} ms, oidc-provider ${mid(peerSamples.map((s) => s.maxMs))} ms.`,
      'Our server runs with RATE_LIMIT_PER_MINUTE=0 as in every scenario. Registration and authorization have no limits of their own: all come from RATE_LIMIT_PER_MINUTE per client address (default 120: registration a quarter of it, 30 a minute; authorize and token 120 each). So with the default, a burst from one address gets 429 from registration after its 30th flow; the limit is per address, and 200 people registering from 200 addresses are not limited.',
    ],
  };
}
