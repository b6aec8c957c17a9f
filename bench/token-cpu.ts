/**
 * `npx tsx bench/token-cpu.ts [--trees A,B] [--db sqlite|postgres] [--modes cc,refresh] [--rounds 4] [--sec 4]`:
 * CPU time per token request, for A/B comparisons on a busy machine (throughput there moves with whatever else
 * runs; the server's own CPU time per request moves much less). Starts bench/servers/oauth-mcp.ts from each source
 * tree (default: this one), pinned to the server core, and per round and mode runs the scenario-4 load against
 * each tree in turn (ABBA): wrk for client_credentials and for refresh chains (bench/load/refresh-chains.ts; mode
 * refresh-node: the Node client loop of bench/load/clients.ts). Reported per run:
 * req/s, and the CPU microseconds per request of the server process and, on PostgreSQL, of its backends. Not
 * part of `npm run bench`; a tool for measuring one change against another.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import pg from 'pg';
import { runLoad } from './lib/load.js';
import { clientCredentials } from './lib/oauth.js';
import { bundleOursServer } from './lib/ours-bundle.js';
import { cpuMs, freePort, LOAD_CORE, pinned, spawnServer, stopAll, stopServer, waitReady, type Server } from './lib/proc.js';
import { median, round } from './lib/stats.js';
import { oursEnv } from './lib/ours-env.js';
import { pgBackendPids } from './lib/pg-backends.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1]! : fallback);
// A tree named "oidc" is oidc-provider's bench server (bench/servers/oidc-provider.mjs) instead of ours.
const TREES = opt('trees', process.cwd()).split(',').map((t) => (t === 'oidc' ? t : resolve(t)));
// Extra environment per server, `;`-separated in tree order (e.g. "A=1;A=2" with one tree listed twice).
const ENVS = opt('envs', '').split(';').map((e) => Object.fromEntries(e.split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string])));
const DB = opt('db', 'sqlite');
const MODES = opt('modes', 'cc,refresh').split(',');
const ROUNDS = Number(opt('rounds', '4'));
const SEC = Number(opt('sec', '4'));
const CONNECTIONS = 16;
const PG_ADMIN = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WORK = mkdtempSync(`${tmpdir()}/token-cpu-`);
mkdirSync(`${WORK}/logs`);

interface Ours {
  tree: string;
  oidc?: boolean;
  server: Server;
  issuer: string;
  mcpUrl: string;
  db?: string;
}

async function startOidc(i: number, resource: string): Promise<Ours> {
  const port = await freePort();
  const server = spawnServer(`oidc-${i}`, process.execPath, ['bench/servers/oidc-provider.mjs'], { PORT: String(port), BENCH_RESOURCE: resource }, `${WORK}/logs`);
  await waitReady(server, `http://127.0.0.1:${port}/.well-known/openid-configuration`);
  return { tree: 'oidc', oidc: true, server, issuer: `http://127.0.0.1:${port}`, mcpUrl: resource };
}

async function startOurs(tree: string, i: number): Promise<Ours> {
  if (tree === 'oidc') return startOidc(i, 'http://127.0.0.1:5001/mcp/v1');
  const [authPort, mcpPort] = [await freePort(), await freePort()];
  let url = `sqlite:${WORK}/ours-${i}.db`;
  let db: string | undefined;
  if (DB === 'postgres') {
    db = `token_cpu_${process.pid}_${i}`;
    const c = new pg.Client({ connectionString: PG_ADMIN });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${db}`);
    await c.query(`CREATE DATABASE ${db}`);
    await c.end();
    const u = new URL(PG_ADMIN);
    u.pathname = `/${db}`;
    url = u.toString();
  }
  const issuer = `http://127.0.0.1:${authPort}`;
  const env = oursEnv(authPort, mcpPort, url, ENVS[i]);
  const cwd = process.cwd();
  process.chdir(tree); // spawnServer runs the child in the current directory
  const server = spawnServer(`ours-${i}`, process.execPath, [bundleOursServer(tree)], env, `${WORK}/logs`);
  process.chdir(cwd);
  await waitReady(server, `${issuer}/health`);
  await waitReady(server, `http://127.0.0.1:${mcpPort}/health`);
  return { tree, server, issuer, mcpUrl: `http://127.0.0.1:${mcpPort}/mcp/v1`, ...(db && { db }) };
}

/** CPU milliseconds used so far by the PostgreSQL backends serving database `db`. */
async function backendCpuMs(db: string | undefined): Promise<number> {
  if (!db) return 0;
  return (await pgBackendPids(PG_ADMIN, db)).reduce((sum, pid) => sum + cpuMs(pid), 0);
}

const DEMO: [string, string] = ['demo_client', 'demo_secret'];

async function run(o: Ours, mode: string, sec: number) {
  const tokenUrl = o.oidc ? `${o.issuer}/token` : `${o.issuer}/oauth/token`;
  const [cpu0, pg0] = [cpuMs(o.server.pid), await backendCpuMs(o.db)];
  let result: { rps: number; requests: number; errors: number };
  if (mode === 'cc') {
    await clientCredentials(tokenUrl, DEMO, o.mcpUrl);
    result = await runLoad({
      url: tokenUrl,
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(DEMO.join(':')).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read write', resource: o.mcpUrl }).toString(),
      connections: CONNECTIONS,
      durationSec: sec,
    });
  } else {
    // The chains' set-up (one authorization-code flow each, ~1% of the requests) falls inside the CPU window, on both sides alike.
    const spec = { mode: 'refresh', concurrency: CONNECTIONS, maxOps: 1_000_000, durationSec: sec, register: `${o.issuer}/oauth/register`, authorize: `${o.issuer}/oauth/authorize`, token: tokenUrl, resource: o.mcpUrl, ...(o.oidc && { seed: `${o.issuer}/bench/refresh-tokens` }) };
    // refresh: chains under wrk (bench/load/refresh-chains.ts); refresh-node: the Node client loop (bench/load/clients.ts).
    const script = mode === 'refresh-node' ? 'bench/load/clients.ts' : 'bench/load/refresh-chains.ts';
    const [cmd, args] = pinned(LOAD_CORE, process.execPath, ['--import', 'tsx', script, JSON.stringify(spec)]);
    const child = spawnSync(cmd, args, { encoding: 'utf8', timeout: (sec + 60) * 1000 });
    if (child.status !== 0) throw new Error(child.stderr || child.stdout);
    result = JSON.parse(child.stdout.trim().split('\n').pop()!);
  }
  const cpu = cpuMs(o.server.pid) - cpu0;
  const pgCpu = (await backendCpuMs(o.db)) - pg0;
  return { rps: result.rps, errors: result.errors, usPerReq: (cpu * 1000) / result.requests, pgUsPerReq: (pgCpu * 1000) / result.requests };
}

const load = spawnSync('uptime', { encoding: 'utf8' }).stdout.trim();
const servers: Ours[] = [];
try {
  for (const [i, t] of TREES.entries()) servers.push(await startOurs(t, i));
  const rows = new Map<string, Array<Awaited<ReturnType<typeof run>>>>();
  for (const mode of MODES) for (const s of servers) await run(s, mode, 1); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (const mode of MODES) {
      const order = r % 2 ? [...servers].reverse() : servers;
      for (const s of order) {
        const x = await run(s, mode, SEC);
        const key = `${mode} ${s.tree}${ENVS[servers.indexOf(s)] && Object.keys(ENVS[servers.indexOf(s)]!).length ? ` ${JSON.stringify(ENVS[servers.indexOf(s)])}` : ''} #${servers.indexOf(s)}`;
        rows.set(key, [...(rows.get(key) ?? []), x]);
        process.stderr.write(`round ${r + 1} ${key}: ${round(x.rps, 0)} req/s, ${round(x.usPerReq, 1)} us/req server, ${round(x.pgUsPerReq, 1)} us/req pg, ${x.errors} errors\n`);
      }
    }
  }
  process.stdout.write(`${DB}, ${ROUNDS} rounds of ${SEC} s; ${load}\n`);
  for (const [key, xs] of rows) {
    process.stdout.write(
      `${key}: median ${round(median(xs.map((x) => x.rps)), 0)} req/s, ${round(median(xs.map((x) => x.usPerReq)), 1)} us/req server, ${round(median(xs.map((x) => x.pgUsPerReq)), 1)} us/req pg\n`,
    );
  }
  process.stdout.write(`end: ${spawnSync('uptime', { encoding: 'utf8' }).stdout.trim()}\n`);
} finally {
  for (const s of servers) await stopServer(s.server);
  await stopAll();
  for (const s of servers) {
    if (!s.db) continue;
    const c = new pg.Client({ connectionString: PG_ADMIN });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${s.db} WITH (FORCE)`);
    await c.end();
  }
  rmSync(WORK, { recursive: true, force: true });
}
