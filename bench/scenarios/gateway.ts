/**
 * The gateway's scenarios (docs/gateway.md, BENCHMARKS.md "Gateway"), run by bench/run.ts as g1, g2, g3:
 *   G1  HTTP upstream: tools/call through the gateway with OAuth vs the upstream directly without auth
 *       (server-everything in Streamable HTTP mode), one 2025-era session each, interleaved rounds.
 *   G2  stdio upstream: the gateway with OAuth vs `supergateway` (no auth) exposing the same stdio server.
 *   G3  N users, each with their own stdio process: RSS per process; after the idle time, reaping leaves none.
 * Each load run is bounded; the CPU time of every server process on the path is read from /proc around its
 * variant's rounds and reported per call (what bounds a ratio when the processes share the server core).
 */
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runLoad, type LoadResult } from '../lib/load.js';
import { checkCall, openLegacySession, toolsCallBody } from '../lib/mcp.js';
import { clientCredentials } from '../lib/oauth.js';
import { contextSwitches, cpuMs, rssBytes, spawnServer, stopServer, waitReady, type Server } from '../lib/proc.js';
import { median, MiB, round } from '../lib/stats.js';
import type { Sample, Scenario, Variant } from '../report.js';
import { oursEnv } from '../lib/ours-env.js';

export interface GatewayBenchSettings {
  rounds: number;
  durationSec: number;
  warmupSec: number;
  connections: number;
  /** G3's users (processes): 100 by hand (`--g3-users 100`), fewer in the full run (each process is ~65 MiB). */
  users: number;
  /** Where databases and server logs go. */
  work: string;
  freePort: () => Promise<number>;
  log: (msg: string) => void;
}

const EVERYTHING = resolve('node_modules/.bin/mcp-server-everything');

/** `oauth-mcp gateway <args>` on free ports, demo mode, rate limits off; resolves with its MCP URL and a token. */
async function startGateway(s: GatewayBenchSettings, name: string, args: string[]): Promise<{ server: Server; url: string; token: string }> {
  const [authPort, mcpPort] = [await s.freePort(), await s.freePort()];
  const issuer = `http://127.0.0.1:${authPort}`;
  const base = `http://127.0.0.1:${mcpPort}`;
  const env = oursEnv(authPort, mcpPort, `sqlite:${s.work}/${name}.db`);
  const server = spawnServer(name, process.execPath, ['bin/oauth-mcp.js', 'gateway', ...args], env, s.work);
  await waitReady(server, `${base}/health`, 60_000);
  await waitReady(server, `${issuer}/health`);
  const token = (await clientCredentials(`${issuer}/oauth/token`, ['demo_client', 'demo_secret'], `${base}/mcp`)).access_token;
  return { server, url: `${base}/mcp`, token };
}

/** Polls `url` until it answers anything (the SDK servers print no ready line we can rely on). */
async function answering(server: Server, url: string): Promise<void> {
  for (let i = 0; i < 150 && server.child.exitCode === null; i++) {
    if (await fetch(url, { method: 'GET' }).then(() => true, () => false)) return;
    await sleep(100);
  }
  throw new Error(`${url} did not answer`);
}

interface Contender {
  name: string;
  label: string;
  role: Variant['role'];
  url: string;
  headers: Record<string, string>;
  /** The server processes on the path: CPU time per call is reported for each. */
  processes: Record<string, number>;
}

/** ABBA rounds of tools/call echo on each contender's session; variants as report.ts renders them, and CPU ms per call. */
async function interleave(s: GatewayBenchSettings, contenders: Contender[]) {
  const body = toolsCallBody('echo', { message: 'bench' });
  for (const c of contenders) await checkCall(c.url, c.headers, body);
  const load = (c: Contender, durationSec: number) => runLoad({ url: c.url, method: 'POST', headers: c.headers, body, connections: s.connections, durationSec });
  for (const c of contenders) await load(c, s.warmupSec);
  const samples = new Map<string, Sample[]>(contenders.map((c) => [c.name, []]));
  const cpu = new Map<string, Record<string, number>>(contenders.map((c) => [c.name, Object.fromEntries(Object.keys(c.processes).map((k) => [k, 0]))]));
  // Involuntary context switches: how often a process lost the core to another (two on one core wake each other).
  const switches = new Map<string, Record<string, { voluntary: number; involuntary: number }>>(
    contenders.map((c) => [c.name, Object.fromEntries(Object.keys(c.processes).map((k) => [k, { voluntary: 0, involuntary: 0 }]))]),
  );
  for (let r = 0; r < s.rounds; r++) {
    for (const c of r % 2 ? [...contenders].reverse() : contenders) {
      const before = Object.fromEntries(Object.entries(c.processes).map(([k, pid]) => [k, cpuMs(pid)]));
      const switchesBefore = Object.fromEntries(Object.entries(c.processes).map(([k, pid]) => [k, contextSwitches(pid)]));
      const x: LoadResult = await load(c, s.durationSec);
      for (const [k, pid] of Object.entries(c.processes)) {
        cpu.get(c.name)![k]! += cpuMs(pid) - before[k]!;
        const now = contextSwitches(pid);
        const sum = switches.get(c.name)![k]!;
        sum.voluntary += now.voluntary - switchesBefore[k]!.voluntary;
        sum.involuntary += now.involuntary - switchesBefore[k]!.involuntary;
      }
      const pid = c.processes['gateway'] ?? c.processes['proxy'] ?? Object.values(c.processes)[0]!;
      samples.get(c.name)!.push({ rps: round(x.rps, 1), p50Ms: round(x.p50Ms, 3), p99Ms: round(x.p99Ms, 3), requests: x.requests, errors: x.errors, rssMiB: round(rssBytes(pid) / MiB, 1), tool: x.tool });
      s.log(`  round ${r + 1} ${c.name}: ${round(x.rps, 0)} req/s p50 ${round(x.p50Ms, 2)} ms`);
    }
  }
  const variants: Variant[] = contenders.map((c) => {
    const xs = samples.get(c.name)!;
    return {
      name: c.name,
      label: c.label,
      role: c.role,
      samples: xs,
      median: { rps: round(median(xs.map((x) => x.rps)), 1), p50Ms: round(median(xs.map((x) => x.p50Ms)), 3), p99Ms: round(median(xs.map((x) => x.p99Ms)), 3), rssMiB: round(median(xs.map((x) => x.rssMiB)), 1) },
      errors: xs.reduce((a, x) => a + x.errors, 0),
    };
  });
  const callsOf = (c: Contender) => Math.max(samples.get(c.name)!.reduce((a, x) => a + x.requests, 0), 1);
  const cpuMsPerCall = Object.fromEntries(
    contenders.map((c) => [c.name, Object.fromEntries(Object.entries(cpu.get(c.name)!).map(([k, ms]) => [k, round(ms / callsOf(c), 2)]))]),
  );
  const switchesPerCall = Object.fromEntries(
    contenders.map((c) => [
      c.name,
      Object.fromEntries(Object.entries(switches.get(c.name)!).map(([k, n]) => [k, { voluntary: round(n.voluntary / callsOf(c), 2), involuntary: round(n.involuntary / callsOf(c), 2) }])),
    ]),
  );
  return { variants, cpuMsPerCall, switchesPerCall };
}

/** Median over rounds of subject/baseline req/s, pairs from the same round. */
function ratio(variants: Variant[], subject: string, baseline: string): number {
  const a = variants.find((v) => v.name === subject)!.samples;
  const b = variants.find((v) => v.name === baseline)!.samples;
  return round(median(a.map((x, i) => x.rps / b[i]!.rps)), 3);
}

const cpuNote = (cpu: Record<string, Record<string, number>>) =>
  `CPU ms per call (/proc, summed over the rounds): ${Object.entries(cpu)
    .map(([name, by]) => `${name}: ${Object.entries(by).map(([k, ms]) => `${k} ${ms}`).join(' + ')}`)
    .join('; ')}.`;

const switchesNote = (n: Record<string, Record<string, { voluntary: number; involuntary: number }>>) =>
  `Context switches per call of each process's event-loop thread, voluntary/involuntary (/proc, summed over the rounds): ${Object.entries(n)
    .map(([name, by]) => `${name}: ${Object.entries(by).map(([k, x]) => `${k} ${x.voluntary}/${x.involuntary}`).join(', ')}`)
    .join('; ')}.`;

export async function g1(s: GatewayBenchSettings): Promise<Scenario> {
  s.log('scenario g1: gateway in front of an HTTP upstream');
  const port = await s.freePort();
  const upstream = spawnServer('everything-http', EVERYTHING, ['streamableHttp'], { PORT: String(port) }, s.work);
  const direct = `http://127.0.0.1:${port}/mcp`;
  await answering(upstream, direct);
  const gw = await startGateway(s, 'gateway-http', ['--http', direct]);
  // The ruler: a node:http proxy that only forwards (bench/servers/bare-proxy.mjs), on the same core.
  const proxyPort = await s.freePort();
  const proxy = spawnServer('bare-proxy', process.execPath, [resolve('bench/servers/bare-proxy.mjs')], { PORT: String(proxyPort), UPSTREAM: direct }, s.work);
  const proxied = `http://127.0.0.1:${proxyPort}/mcp`;
  await answering(proxy, proxied);
  const { variants, cpuMsPerCall, switchesPerCall } = await interleave(s, [
    { name: 'direct', label: 'server-everything (Streamable HTTP), tools/call echo, 2025-11-25 session, no auth', role: 'baseline', url: direct, headers: await openLegacySession(direct, 'unused'), processes: { upstream: upstream.pid } },
    { name: 'gateway-http', label: 'oauth-mcp gateway --http in front of it, Bearer JWT, same call', role: 'subject', url: gw.url, headers: await openLegacySession(gw.url, gw.token), processes: { upstream: upstream.pid, gateway: gw.server.pid } },
    { name: 'bare-proxy', label: 'ruler: a bare node:http proxy in front of it that only forwards (no auth, log context, audit, metrics or sessions)', role: 'peer', url: proxied, headers: await openLegacySession(proxied, 'unused'), processes: { upstream: upstream.pid, proxy: proxy.pid } },
  ]);
  await Promise.all([stopServer(gw.server), stopServer(proxy), stopServer(upstream)]);
  const r = ratio(variants, 'gateway-http', 'direct');
  const floor = ratio(variants, 'bare-proxy', 'direct');
  return {
    id: 'g1',
    title: 'G1. Gateway in front of an HTTP upstream vs the upstream directly',
    baseline: 'direct',
    variants,
    ratios: [
      { subject: 'gateway-http', baseline: 'direct', value: r },
      { subject: 'bare-proxy', baseline: 'direct', value: floor },
      { subject: 'gateway-http', baseline: 'bare-proxy', value: ratio(variants, 'gateway-http', 'bare-proxy') },
    ],
    targets: [{ name: 'G1: HTTP upstream through the gateway with OAuth ≥ 0.7x the upstream directly without auth', value: r, op: '>=', threshold: 0.7, met: r >= 0.7 }],
    notes: [
      `${s.connections} connections; the gateway and server-everything both on the server core, so the ratio is bounded by the upstream's CPU per call over the sum of both. ${cpuNote(cpuMsPerCall)}`,
      switchesNote(switchesPerCall),
      'The bare-proxy row is a ruler, not a target: what any node:http hop on the same core costs the upstream. G1 cannot read above its ratio to the direct row (bench/HISTORY.md, round 2, fourth pass, "what bounds G1").',
      'RSS column: the gateway process for the gateway row, the proxy for the bare-proxy row, server-everything for the direct row.',
    ],
  };
}

export async function g2(s: GatewayBenchSettings): Promise<Scenario> {
  s.log('scenario g2: gateway in front of a stdio upstream vs supergateway');
  const port = await s.freePort();
  const sg = spawnServer('supergateway', resolve('node_modules/.bin/supergateway'), ['--stdio', `${EVERYTHING} stdio`, '--outputTransport', 'streamableHttp', '--stateful', '--port', String(port)], {}, s.work);
  const sgUrl = `http://127.0.0.1:${port}/mcp`;
  await answering(sg, sgUrl);
  const gw = await startGateway(s, 'gateway-stdio', ['--stdio', `${EVERYTHING} stdio`]);
  const { variants, cpuMsPerCall } = await interleave(s, [
    { name: 'supergateway', label: 'supergateway --stdio server-everything (streamableHttp, stateful), no auth', role: 'baseline', url: sgUrl, headers: await openLegacySession(sgUrl, 'unused'), processes: { supergateway: sg.pid } },
    { name: 'gateway-stdio', label: 'oauth-mcp gateway --stdio server-everything, Bearer JWT', role: 'subject', url: gw.url, headers: await openLegacySession(gw.url, gw.token), processes: { gateway: gw.server.pid } },
  ]);
  await Promise.all([stopServer(gw.server), stopServer(sg)]);
  const r = ratio(variants, 'gateway-stdio', 'supergateway');
  return {
    id: 'g2',
    title: 'G2. Gateway in front of a stdio upstream vs supergateway',
    baseline: 'supergateway',
    variants,
    ratios: [{ subject: 'gateway-stdio', baseline: 'supergateway', value: r }],
    targets: [{ name: 'G2: stdio upstream through the gateway with OAuth ≥ 1x supergateway without auth', value: r, op: '>=', threshold: 1, met: r >= 1 }],
    notes: [`${s.connections} connections; both answer through one server-everything stdio process (its child, not counted in the CPU figures). ${cpuNote(cpuMsPerCall)}`],
  };
}

/** In process: the gateway's own upstream pool, N callers, each starting their process with one call. */
export async function g3(s: GatewayBenchSettings): Promise<Scenario> {
  s.log(`scenario g3: ${s.users} users, each their own stdio process`);
  const { createGatewayUpstream } = await import('../../src/gateway/gateway.js');
  const { parseGatewayConfig } = await import('../../src/gateway/config.js');
  const { silentLogger } = await import('../../src/log/logger.js');
  let now = Date.now();
  const config = parseGatewayConfig({ upstreams: { everything: { stdio: `${EVERYTHING} stdio`, limits: { idleMs: 60_000, maxTotal: s.users } } } })[0]!;
  const gateway = createGatewayUpstream(config, { logger: silentLogger(), clock: () => Math.floor(now / 1000), observer: { forwarded: () => {} }, now: () => now });
  const callers = Array.from({ length: s.users }, (_, i) => ({ subject: `user-${i}`, clientId: 'bench', scopes: ['read', 'write'], expiresAt: 0, issuedAt: 0 }));
  const started = performance.now();
  // Ten at a time: all processes starting at once on 2 cores would measure the machine, not the gateway.
  for (let i = 0; i < s.users; i += 10) {
    await Promise.all(callers.slice(i, i + 10).map((c) => gateway.pool.use(c, (conn) => conn.client.callTool({ name: 'echo', arguments: { message: c.subject } }))));
  }
  const startSec = round((performance.now() - started) / 1000, 1);
  const live = gateway.pool.live();
  const rss = live.map((l) => rssBytes(l.pid!)).filter((b) => b > 0);
  const gatewayRss = rssBytes(process.pid);
  now += 61_000;
  await gateway.pool.reap();
  await sleep(2000);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const left = live.filter((l) => alive(l.pid!)).length;
  const liveAfter = gateway.pool.live().length;
  await gateway.close();
  const medianRss = round(median(rss) / MiB, 1);
  return {
    id: 'g3',
    title: `G3. ${s.users} users, each their own stdio server-everything`,
    baseline: '',
    variants: [],
    ratios: [],
    targets: [{ name: `G3: ${s.users} per-user stdio processes, none left after the idle time (processes left)`, value: left + liveAfter, op: '<', threshold: 1, met: left + liveAfter === 0, unit: 'processes' }],
    notes: [
      `${live.length} processes started 10 at a time in ${startSec} s; median RSS ${medianRss} MiB per process (${round(rss.reduce((a, b) => a + b, 0) / MiB, 0)} MiB in all); the bench process holding the pool ${round(gatewayRss / MiB, 0)} MiB.`,
      `After the idle time: ${liveAfter} connections and ${left} OS processes left.`,
    ],
  };
}
