/**
 * `npx tsx bench/load/gateway-cpu.ts [seconds] [rounds] [root...]`: the gateway's CPU time per forwarded
 * tools/call, for A/B work on a shared machine where req/s swings with other load. Starts one trivial
 * Streamable HTTP upstream (bench/servers/echo-upstream.mjs, on the load core: its CPU is not the gateway's),
 * then for each source tree given (default: this one) `node <root>/bin/oauth-mcp.js gateway --http <upstream>`
 * pinned to the server core; one 2025-11-25 session per tree, wrk (load core, 16 connections by default), the gateway's
 * utime+stime read from /proc around each run. Trees are interleaved round by round (ABBA). Prints one line
 * per run and a JSON summary: median µs of gateway CPU per call, median req/s, and ratios to the first tree.
 * GATEWAY_CPU_PROF_DIR=dir runs the gateways with --cpu-prof (profiles written when stopped).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { runLoad } from '../lib/load.js';
import { checkCall, openLegacySession, toolsCallBody } from '../lib/mcp.js';
import { clientCredentials } from '../lib/oauth.js';
import { cpuMs, freePort, LOAD_CORE, pinned, spawnServer, stopAll, stopServer, waitReady, type Server } from '../lib/proc.js';
import { abSummary } from '../lib/stats.js';
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { oursEnv } from '../lib/ours-env.js';

const [secondsArg, roundsArg, ...roots] = process.argv.slice(2);
const SECONDS = Number(secondsArg ?? 4);
const ROUNDS = Number(roundsArg ?? 4);
const TREES = roots.length ? roots.map((r) => resolve(r)) : [process.cwd()];
const LOGS = mkdtempSync(`${tmpdir()}/gateway-cpu-`);
const PROF_DIR = process.env.GATEWAY_CPU_PROF_DIR;
/** GATEWAY_CPU_CONNECTIONS=1: one call in flight, so no tree batches more calls per wake-up than the other. */
const CONNECTIONS = Number(process.env.GATEWAY_CPU_CONNECTIONS ?? 16);

interface Tree {
  root: string;
  server: Server;
  url: string;
  headers: Record<string, string>;
}

/** The echo upstream on the load core, beside wrk: the gateway's core runs the gateway alone. */
async function startUpstream(): Promise<{ url: string; kill: () => void }> {
  const port = await freePort();
  const [c, a] = pinned(LOAD_CORE, process.execPath, [resolve('bench/servers/echo-upstream.mjs')]);
  const out = openSync(`${LOGS}/upstream.log`, 'a');
  const child = spawn(c, a, { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', out, out] });
  const url = `http://127.0.0.1:${port}/mcp`;
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(url, { method: 'POST', body: '{"jsonrpc":"2.0","method":"notifications/x"}' }).then((r) => r.status === 202, () => false);
    if (ok) return { url, kill: () => child.kill('SIGTERM') };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the echo upstream did not start');
}

async function start(root: string, i: number, upstream: string): Promise<Tree> {
  const [a, m] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${a}`;
  const base = `http://127.0.0.1:${m}`;
  const env = oursEnv(a, m, `sqlite:${LOGS}/db${i}.db`);
  const prof = PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROF_DIR}`] : [];
  const server = spawnServer(`gateway${i}`, process.execPath, [...prof, resolve(root, 'bin/oauth-mcp.js'), 'gateway', '--http', upstream], env, LOGS);
  await waitReady(server, `${base}/health`, 60_000);
  await waitReady(server, `${issuer}/health`);
  const url = `${base}/mcp`;
  const token = (await clientCredentials(`${issuer}/oauth/token`, ['demo_client', 'demo_secret'], url)).access_token;
  return { root, server, url, headers: await openLegacySession(url, token) };
}

const body = toolsCallBody('echo', { message: 'bench' });
async function once(t: Tree, seconds: number) {
  const before = cpuMs(t.server.pid);
  const r = await runLoad({ url: t.url, method: 'POST', headers: t.headers, body, connections: CONNECTIONS, durationSec: seconds });
  const used = cpuMs(t.server.pid) - before;
  return { rps: r.rps, cpuUsPerCall: (used * 1000) / r.requests, errors: r.errors };
}

const trees: Tree[] = [];
const upstream = await startUpstream();
try {
  for (const [i, root] of TREES.entries()) trees.push(await start(root, i, upstream.url));
  for (const t of trees) await checkCall(t.url, t.headers, body);
  for (const t of trees) await once(t, 2); // warm-up
  const samples = new Map<string, { rps: number[]; cpu: number[] }>(trees.map((t) => [t.root, { rps: [], cpu: [] }]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of r % 2 ? [...trees].reverse() : trees) {
      const s = await once(t, SECONDS);
      samples.get(t.root)!.rps.push(s.rps);
      samples.get(t.root)!.cpu.push(s.cpuUsPerCall);
      process.stderr.write(`round ${r + 1} ${t.root}: ${s.rps.toFixed(0)} req/s, ${s.cpuUsPerCall.toFixed(0)} µs CPU/call${s.errors ? `, ${s.errors} errors` : ''}\n`);
    }
  }
  // Against the first tree, the median of per-round ratios (each pair from the same round).
  const first = samples.get(TREES[0]!)!;
  const summary = [...samples].map(([root, v]) => ({ root, ...abSummary(v, root !== TREES[0] ? first : undefined) }));
  process.stdout.write(`${JSON.stringify(summary)}\n`);
} finally {
  // A profile of a long run takes seconds to write: the gateways get that long before stopAll kills them.
  if (PROF_DIR) await Promise.all(trees.map((t) => stopServer(t.server, 30_000)));
  await stopAll();
  upstream.kill();
}
