/**
 * `npx tsx bench/load/g1-cpu.ts [seconds] [rounds] [root...]`: G1's path, taken apart. server-everything (Streamable
 * HTTP) on the server core, as in G1, reached three ways: directly; through bench/servers/bare-proxy.mjs (a
 * node:http hop doing nothing else: the floor of any HTTP hop in node); and through `oauth-mcp gateway --http` of
 * each source tree given (default: this one), Bearer JWT. Every front runs on the server core beside the upstream;
 * wrk on the load core. Interleaved rounds (the order reverses every other round); per contender: median req/s, and
 * over all rounds the CPU µs per call of the upstream and of the front (/proc utime+stime) and the context
 * switches per call of each event-loop thread, voluntary/involuntary (involuntary: the core was taken by the other
 * process). Prints one line per run and a JSON summary.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { runLoad } from '../lib/load.js';
import { checkCall, openLegacySession, toolsCallBody } from '../lib/mcp.js';
import { clientCredentials } from '../lib/oauth.js';
import { contextSwitches, cpuMs, freePort, spawnServer, stopAll, waitReady } from '../lib/proc.js';
import { median } from '../lib/stats.js';
import { oursEnv } from '../lib/ours-env.js';

const [secondsArg, roundsArg, ...roots] = process.argv.slice(2);
const SECONDS = Number(secondsArg ?? 4);
const ROUNDS = Number(roundsArg ?? 4);
const TREES = roots.length ? roots.map((r) => resolve(r)) : [process.cwd()];
const LOGS = mkdtempSync(`${tmpdir()}/g1-cpu-`);
const EVERYTHING = resolve('node_modules/.bin/mcp-server-everything');

interface Contender {
  name: string;
  url: string;
  headers: Record<string, string>;
  front: number | undefined;
}

async function answering(url: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    const ok = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' }).then(
      (r) => r.status < 500,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer`);
}

async function gateway(root: string, i: number, upstream: string): Promise<Contender> {
  const [a, m] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${a}`;
  const base = `http://127.0.0.1:${m}`;
  const env = oursEnv(a, m, `sqlite:${LOGS}/db${i}.db`);
  const server = spawnServer(`gateway${i}`, process.execPath, [resolve(root, 'bin/oauth-mcp.js'), 'gateway', '--http', upstream], env, LOGS);
  await waitReady(server, `${base}/health`, 60_000);
  await waitReady(server, `${issuer}/health`);
  const url = `${base}/mcp`;
  const token = (await clientCredentials(`${issuer}/oauth/token`, ['demo_client', 'demo_secret'], url)).access_token;
  return { name: `gateway ${root}`, url, headers: await openLegacySession(url, token), front: server.pid };
}

const body = toolsCallBody('echo', { message: 'bench' });
try {
  const port = await freePort();
  const upstream = spawnServer('everything', EVERYTHING, ['streamableHttp'], { PORT: String(port) }, LOGS);
  const direct = `http://127.0.0.1:${port}/mcp`;
  await answering(direct);
  const proxyPort = await freePort();
  const proxy = spawnServer('bare-proxy', process.execPath, [resolve('bench/servers/bare-proxy.mjs')], { PORT: String(proxyPort), UPSTREAM: direct }, LOGS);
  const proxied = `http://127.0.0.1:${proxyPort}/mcp`;
  await answering(proxied);
  const contenders: Contender[] = [
    { name: 'direct', url: direct, headers: await openLegacySession(direct, 'unused'), front: undefined },
    { name: 'bare node:http proxy', url: proxied, headers: await openLegacySession(proxied, 'unused'), front: proxy.pid },
  ];
  for (const [i, root] of TREES.entries()) contenders.push(await gateway(root, i, direct));
  for (const c of contenders) await checkCall(c.url, c.headers, body);
  const load = (c: Contender, seconds: number) => runLoad({ url: c.url, method: 'POST', headers: c.headers, body, connections: 16, durationSec: seconds });
  for (const c of contenders) await load(c, 2); // warm-up
  const totals = new Map(contenders.map((c) => [c.name, { rps: [] as number[], calls: 0, upCpu: 0, frontCpu: 0, up: { voluntary: 0, involuntary: 0 }, front: { voluntary: 0, involuntary: 0 } }]));
  const add = (sum: { voluntary: number; involuntary: number }, a: { voluntary: number; involuntary: number }, b: { voluntary: number; involuntary: number }) => {
    sum.voluntary += b.voluntary - a.voluntary;
    sum.involuntary += b.involuntary - a.involuntary;
  };
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of r % 2 ? [...contenders].reverse() : contenders) {
      const before = { up: cpuMs(upstream.pid), front: c.front ? cpuMs(c.front) : 0, upSw: contextSwitches(upstream.pid), frontSw: c.front ? contextSwitches(c.front) : undefined };
      const x = await load(c, SECONDS);
      const t = totals.get(c.name)!;
      const up = cpuMs(upstream.pid) - before.up;
      const front = c.front ? cpuMs(c.front) - before.front : 0;
      t.rps.push(x.rps);
      t.calls += x.requests;
      t.upCpu += up;
      t.frontCpu += front;
      add(t.up, before.upSw, contextSwitches(upstream.pid));
      if (c.front && before.frontSw) add(t.front, before.frontSw, contextSwitches(c.front));
      process.stderr.write(`round ${r + 1} ${c.name}: ${x.rps.toFixed(0)} req/s, upstream ${((up * 1000) / x.requests).toFixed(0)} µs/call, front ${((front * 1000) / x.requests).toFixed(0)} µs/call${x.errors ? `, ${x.errors} errors` : ''}\n`);
    }
  }
  const perCall = (n: number, calls: number) => Math.round((n / calls) * 100) / 100;
  const summary = [...totals].map(([name, t]) => ({
    name,
    rps: Math.round(median(t.rps)),
    upstreamUsPerCall: Math.round((t.upCpu * 1000) / t.calls),
    frontUsPerCall: Math.round((t.frontCpu * 1000) / t.calls),
    upstreamSwitchesPerCall: { voluntary: perCall(t.up.voluntary, t.calls), involuntary: perCall(t.up.involuntary, t.calls) },
    frontSwitchesPerCall: { voluntary: perCall(t.front.voluntary, t.calls), involuntary: perCall(t.front.involuntary, t.calls) },
  }));
  const directUs = summary[0]!.upstreamUsPerCall;
  for (const s of summary) Object.assign(s, { cpuBoundRatio: Math.round((directUs / (s.upstreamUsPerCall + s.frontUsPerCall)) * 1000) / 1000 });
  process.stdout.write(`${JSON.stringify(summary, null, 1)}\n`);
} finally {
  await stopAll();
}
