/**
 * `npx tsx bench/gateway.ts [--quick]`: the gateway's scenarios (docs/gateway.md, BENCHMARKS.md "Gateway").
 *   G1  HTTP upstream: tools/call through the gateway with OAuth vs the upstream directly without auth
 *       (server-everything in Streamable HTTP mode), one 2025-era session each, interleaved rounds.
 *   G2  stdio upstream: the gateway with OAuth vs `supergateway` (no auth) exposing the same stdio server.
 *   G3  100 users, each with their own stdio process: RSS per process; after the idle time, reaping leaves none.
 * Bounded: every load run stops by itself; every process started is stopped by its pid at the end.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runLoad, type LoadResult } from './lib/load.js';
import { checkCall, openLegacySession, toolsCallBody } from './lib/mcp.js';
import { clientCredentials } from './lib/oauth.js';
import { cpuMs, rssBytes, spawnServer, stopAll, stopServer, waitReady, type Server } from './lib/proc.js';
import { median, MiB, round } from './lib/stats.js';

const QUICK = process.argv.includes('--quick');
const ROUNDS = QUICK ? 2 : 3;
const DURATION = QUICK ? 2 : 3;
const CONNECTIONS = 8;
const USERS = 100;
const WORK = mkdtempSync(`${tmpdir()}/oauth-mcp-bench-gw-`);
const EVERYTHING = resolve('node_modules/.bin/mcp-server-everything');
const log = (msg: string) => process.stderr.write(`[bench-gw ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

async function freePort(): Promise<number> {
  return new Promise((ok, ko) => {
    const s = createServer();
    s.once('error', ko);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => ok(port));
    });
  });
}

/** `oauth-mcp gateway <args>` on free ports, demo mode, rate limits off; resolves with its MCP base and a token. */
async function startGateway(name: string, args: string[]): Promise<{ server: Server; url: string; token: string }> {
  const [authPort, mcpPort] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${authPort}`;
  const base = `http://127.0.0.1:${mcpPort}`;
  const env = {
    OAUTH_SERVER_PORT: String(authPort),
    MCP_SERVER_PORT: String(mcpPort),
    OAUTH_ISSUER: issuer,
    MCP_SERVER_URL: base,
    DATABASE_URL: `sqlite:${WORK}/${name}.db`,
    DEMO_MODE: 'true',
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
  };
  const server = spawnServer(name, process.execPath, ['bin/oauth-mcp.js', 'gateway', ...args], env, WORK);
  await waitReady(server, `${base}/health`, 60_000);
  await waitReady(server, `${issuer}/health`);
  const token = (await clientCredentials(`${issuer}/oauth/token`, ['demo_client', 'demo_secret'], `${base}/mcp`)).access_token;
  return { server, url: `${base}/mcp`, token };
}

interface Variant {
  name: string;
  url: string;
  headers: Record<string, string>;
  /** The server processes on the path (the gateway, its upstream): CPU time per call is reported for each. */
  processes: Record<string, number>;
}

/** Per variant: median rps and p50, and the CPU milliseconds each of its processes spent per call over all rounds. */
type Compared = Record<string, { rps: number; p50Ms: number; errors: number; cpuMsPerCall: Record<string, number> }>;

/** Interleaved rounds of tools/call echo on each variant's session; median rps and p50 per variant. */
async function compare(variants: Variant[]): Promise<Compared> {
  const body = toolsCallBody('echo', { message: 'bench' });
  for (const v of variants) await checkCall(v.url, v.headers, body);
  const runs: Record<string, LoadResult[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
  for (const v of variants) await runLoad({ url: v.url, method: 'POST', headers: v.headers, body, connections: CONNECTIONS, durationSec: 1 }); // warm-up
  // CPU time of each server process during its variant's rounds, divided by the calls answered: what bounds a
  // figure when the processes share the server core (lib/proc.ts) is the sum of these.
  const cpu: Record<string, Record<string, number>> = Object.fromEntries(variants.map((v) => [v.name, Object.fromEntries(Object.keys(v.processes).map((k) => [k, 0]))]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of variants) {
      const before = Object.fromEntries(Object.entries(v.processes).map(([k, pid]) => [k, cpuMs(pid)]));
      runs[v.name]!.push(await runLoad({ url: v.url, method: 'POST', headers: v.headers, body, connections: CONNECTIONS, durationSec: DURATION }));
      for (const [k, pid] of Object.entries(v.processes)) cpu[v.name]![k]! += cpuMs(pid) - before[k]!;
    }
  }
  return Object.fromEntries(
    Object.entries(runs).map(([name, rs]) => {
      const calls = rs.reduce((a, x) => a + x.requests, 0);
      const cpuMsPerCall = Object.fromEntries(Object.entries(cpu[name]!).map(([k, ms]) => [k, round(ms / Math.max(calls, 1), 2)]));
      return [name, { rps: round(median(rs.map((x) => x.rps)), 0), p50Ms: round(median(rs.map((x) => x.p50Ms)), 2), errors: rs.reduce((a, x) => a + x.errors, 0), cpuMsPerCall }];
    }),
  );
}

async function g1() {
  const port = await freePort();
  const upstream = spawnServer('everything-http', EVERYTHING, ['streamableHttp'], { PORT: String(port) }, WORK);
  await sleep(200);
  for (let i = 0; i < 100 && upstream.child.exitCode === null; i++) {
    if (await fetch(`http://127.0.0.1:${port}/mcp`, { method: 'GET' }).then(() => true, () => false)) break;
    await sleep(100);
  }
  const direct = `http://127.0.0.1:${port}/mcp`;
  const gw = await startGateway('gateway-http', ['--http', direct]);
  const result = await compare([
    { name: 'direct, no auth', url: direct, headers: await openLegacySession(direct, 'unused'), processes: { upstream: upstream.pid } },
    { name: 'gateway, OAuth', url: gw.url, headers: await openLegacySession(gw.url, gw.token), processes: { upstream: upstream.pid, gateway: gw.server.pid } },
  ]);
  await stopServer(gw.server);
  await stopServer(upstream);
  const [d, g] = [result['direct, no auth']!, result['gateway, OAuth']!];
  return { result, ratio: round(g.rps / d.rps, 2), addedP50Ms: round(g.p50Ms - d.p50Ms, 2) };
}

async function g2() {
  const port = await freePort();
  const sg = spawnServer('supergateway', resolve('node_modules/.bin/supergateway'), ['--stdio', `${EVERYTHING} stdio`, '--outputTransport', 'streamableHttp', '--stateful', '--port', String(port)], {}, WORK);
  const sgUrl = `http://127.0.0.1:${port}/mcp`;
  for (let i = 0; i < 150 && sg.child.exitCode === null; i++) {
    if (await fetch(sgUrl, { method: 'GET' }).then(() => true, () => false)) break;
    await sleep(100);
  }
  const gw = await startGateway('gateway-stdio', ['--stdio', `${EVERYTHING} stdio`]);
  const result = await compare([
    { name: 'supergateway, no auth', url: sgUrl, headers: await openLegacySession(sgUrl, 'unused'), processes: { supergateway: sg.pid } },
    { name: 'gateway, OAuth', url: gw.url, headers: await openLegacySession(gw.url, gw.token), processes: { gateway: gw.server.pid } },
  ]);
  await stopServer(gw.server);
  await stopServer(sg);
  return { result, ratio: round(result['gateway, OAuth']!.rps / result['supergateway, no auth']!.rps, 2) };
}

/** In process: the gateway's own upstream pool, 100 callers, each starting their process with one call. */
async function g3() {
  const { createGatewayUpstream } = await import('../src/gateway/gateway.js');
  const { parseGatewayConfig } = await import('../src/gateway/config.js');
  const { silentLogger } = await import('../src/log/logger.js');
  let now = Date.now();
  const config = parseGatewayConfig({ upstreams: { everything: { stdio: `${EVERYTHING} stdio`, limits: { idleMs: 60_000, maxTotal: USERS } } } })[0]!;
  const gateway = createGatewayUpstream(config, { logger: silentLogger(), clock: () => Math.floor(now / 1000), observer: { forwarded: () => {} }, now: () => now });
  const callers = Array.from({ length: USERS }, (_, i) => ({ subject: `user-${i}`, clientId: 'bench', scopes: ['read', 'write'], expiresAt: 0, issuedAt: 0 }));
  const started = performance.now();
  // Ten at a time: 100 node processes starting at once on 2 cores would measure the machine, not the gateway.
  for (let i = 0; i < USERS; i += 10) {
    await Promise.all(callers.slice(i, i + 10).map((c) => gateway.pool.use(c, (conn) => conn.client.callTool({ name: 'echo', arguments: { message: c.subject } }))));
  }
  const startSec = round((performance.now() - started) / 1000, 1);
  const live = gateway.pool.live();
  const rss = live.map((l) => rssBytes(l.pid!)).filter((b) => b > 0);
  const gatewayRss = rssBytes(process.pid);
  now += 61_000;
  await gateway.pool.reap();
  await sleep(2000);
  const left = live.filter((l) => {
    try {
      process.kill(l.pid!, 0);
      return true;
    } catch {
      return false;
    }
  }).length;
  await gateway.close();
  return { users: USERS, processes: live.length, startSec, medianRssMiB: round(median(rss) / MiB, 1), totalRssMiB: round(rss.reduce((a, b) => a + b, 0) / MiB, 0), gatewayRssMiB: round(gatewayRss / MiB, 0), liveAfterReap: gateway.pool.live().length, osProcessesLeft: left };
}

try {
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1]!.split(',') : ['g1', 'g2', 'g3'];
  const out: Record<string, unknown> = {};
  if (only.includes('g1')) (log('G1 HTTP upstream'), (out['G1'] = await g1()));
  if (only.includes('g2')) (log('G2 stdio vs supergateway'), (out['G2'] = await g2()));
  if (only.includes('g3')) (log('G3 100 users'), (out['G3'] = await g3()));
  writeFileSync(`${WORK}/gateway.json`, JSON.stringify(out, null, 2));
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
} finally {
  await stopAll();
  rmSync(WORK, { recursive: true, force: true });
}
