/**
 * `npx tsx bench/flows-micro.ts [--trees A,B] [--flows 80] [--rounds 40]`: complete authorization-code flows timed
 * in process, without sockets: POST /oauth/register and GET /oauth/authorize through the authorization server's
 * node request listener (what a running server uses: direct routes in front of Hono) fed in-memory requests, and
 * the code exchange through the token route's logic (auth-server/token-request.ts, what its direct route calls).
 * 8 flows at once, as scenario 5 runs them. Every tree (default: this one) is loaded in this one process, from its
 * own sources and store file, and blocks of flows alternate between them (ABBA); reported: median CPU
 * microseconds per flow (user + system of the process: steadier than wall time on a shared machine; the audit
 * queue's writes fall inside each block) and the median per-block ratio to the first tree.
 */
import { spawnSync } from 'node:child_process';
import type { RequestListener } from 'node:http';
import { resolve } from 'node:path';
import { inMemoryCall } from './lib/in-memory-http.js';
import { median, round } from './lib/stats.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1]! : fallback);

const trees = opt('trees', process.cwd()).split(',').map((t) => resolve(t));
const FLOWS = Number(opt('flows', '80'));
const ROUNDS = Number(opt('rounds', '40'));
const load = spawnSync('uptime', { encoding: 'utf8' }).stdout.trim();
// Every tree in this one process (its own module instances and store file), blocks of flows interleaved ABBA:
// the machine's load drifts slower than one block, so neighbouring blocks see the same machine.
const runners = [];
for (const tree of trees) runners.push(await runner(tree));
for (const r of runners) await r.batch(FLOWS * 4); // warm-up
const results = new Map<string, number[]>(trees.map((t) => [t, []]));
for (let i = 0; i < ROUNDS; i++) {
  for (const [k, r] of (i % 2 ? [...runners.entries()].reverse() : [...runners.entries()])) {
    const c0 = process.cpuUsage();
    await r.batch(FLOWS);
    await r.flush();
    const c = process.cpuUsage(c0);
    results.get(trees[k]!)!.push((c.user + c.system) / FLOWS);
  }
}
process.stdout.write(`${ROUNDS} interleaved rounds of ${FLOWS} flows per tree; ${load}\n`);
const base = results.get(trees[0]!)!;
for (const [tree, us] of results) {
  const ratio = median(us.map((x, i) => x / base[i]!));
  process.stdout.write(`${tree}: median ${round(median(us), 0)} us/flow (quartiles ${round(quantile(us, 0.25), 0)}-${round(quantile(us, 0.75), 0)}); per-round ratio to the first tree ${round(ratio, 3)}\n`);
}
for (const r of runners) await r.close();
process.exit(0);

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

/** One tree's authorization server in this process, and a function running `count` flows through it, 8 at once. */
async function runner(tree: string) {
  const { createHash, randomBytes } = await import('node:crypto');
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const src = (p: string) => import(`${tree}/src/${p}`);
  const { buildAuthServer } = await src('cli/compose.ts');
  const { systemClock } = await src('clock.ts');
  const { loadConfig } = await src('config/config.ts');
  const { readEnv } = await src('config/env.ts');
  const { createLogger } = await src('log/logger.ts');
  const { openStore } = await src('store/open-store.ts');
  const { tokenExchange } = await src('auth-server/token-request.ts');
  const { runWithLogContext } = await src('log/context.ts');

  const dir = mkdtempSync(`${tmpdir()}/flows-micro-`);
  const config = loadConfig(readEnv({ DATABASE_URL: `sqlite:${dir}/db.sqlite`, DEMO_MODE: 'true', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn' }));
  const store = await openStore(config.databaseUrl);
  const server = await buildAuthServer(config, { store, logger: createLogger('warn'), clock: systemClock });
  const exchange = tokenExchange(server.deps);
  const listener = server.node as RequestListener;
  const resource = `${config.mcpServer.url}/mcp/v1`;
  const REDIRECT = 'http://127.0.0.1/callback';

  const call = (method: string, url: string, headers: Record<string, string>, body = '') => inMemoryCall(listener, method, url, headers, body);

  let n = 0;
  async function flow() {
    const reg = await call('POST', '/oauth/register', { 'content-type': 'application/json' }, JSON.stringify({ client_name: 'bench', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: 'read write' }));
    const clientId = (JSON.parse(reg.body) as { client_id: string }).client_id;
    if (reg.status !== 201) throw new Error(`register ${reg.status} ${reg.body}`);
    const verifier = randomBytes(32).toString('base64url');
    const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256', state: 's', scope: 'read write', resource });
    const auth = await call('GET', `/oauth/authorize?${q}`, {});
    const code = auth.location && new URL(auth.location).searchParams.get('code');
    if (!code) throw new Error(`authorize ${auth.status} ${auth.location}`);
    const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: clientId, code_verifier: verifier, resource }).toString();
    const t = await runWithLogContext({ reqId: String(++n) }, () => exchange({ contentType: 'application/x-www-form-urlencoded', authorization: undefined, dpop: undefined, body }));
    if (t.status !== 200) throw new Error(`token ${t.status} ${JSON.stringify(t.body)}`);
  }
  async function batch(count: number) {
    let left = count;
    await Promise.all(Array.from({ length: 8 }, async () => {
      while (left-- > 0) await flow();
    }));
  }
  return {
    batch,
    flush: () => server.deps.audit.flush() as Promise<void>,
    close: async () => {
      await server.close();
      await store.close();
    },
  };
}
