/**
 * `npx tsx bench/flows-cpu.ts [--trees A,B|oidc] [--rounds 4] [--sec 5] [--concurrency 8] [--prof DIR]`: CPU time
 * per complete authorization-code flow (scenario 5: register, authorize, token), for A/B comparisons on a busy
 * machine, where flows per second move with whatever else runs and CPU per flow much less. Starts
 * bench/servers/oauth-mcp.ts from each source tree (default: this one; "oidc" is the peer,
 * bench/servers/oidc-provider-flows.mjs) pinned to the server core, then per round runs bench/load/clients.ts
 * (mode flows) on the load core against each in turn (ABBA). Reported per tree: flows/s, and CPU microseconds per
 * flow of the server and of the load process. `--prof DIR` runs the servers under `node --cpu-prof` into DIR.
 * Not part of `npm run bench`; a tool for measuring one change against another.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { bundleOursServer } from './lib/ours-bundle.js';
import { cpuMs, freePort, LOAD_CORE, pinned, spawnServer, stopAll, stopServer, waitReady, type Server } from './lib/proc.js';
import { median, round } from './lib/stats.js';
import { oursEnv } from './lib/ours-env.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1]! : fallback);
const TREES = opt('trees', process.cwd()).split(',').map((t) => (t === 'oidc' ? t : resolve(t)));
const ROUNDS = Number(opt('rounds', '4'));
const SEC = Number(opt('sec', '5'));
const CONCURRENCY = Number(opt('concurrency', '8'));
const PROF = argv.includes('--prof') ? resolve(opt('prof', '')) : undefined;
const WORK = mkdtempSync(`${tmpdir()}/flows-cpu-`);
mkdirSync(`${WORK}/logs`);
const RESOURCE_PORT = await freePort();

interface Subject {
  tree: string;
  server: Server;
  endpoints: { register: string; authorize: string; token: string; resource: string };
}

const profArgs = (i: number) => (PROF ? ['--cpu-prof', '--cpu-prof-dir', `${PROF}/${i}`] : []);

async function start(tree: string, i: number): Promise<Subject> {
  if (tree === 'oidc') {
    const port = await freePort();
    const resource = `http://127.0.0.1:${RESOURCE_PORT}/mcp/v1`;
    const server = spawnServer(`oidc-${i}`, process.execPath, [...profArgs(i), 'bench/servers/oidc-provider-flows.mjs'], { PORT: String(port), BENCH_RESOURCE: resource }, `${WORK}/logs`);
    const base = `http://127.0.0.1:${port}`;
    await waitReady(server, `${base}/.well-known/openid-configuration`);
    return { tree, server, endpoints: { register: `${base}/reg`, authorize: `${base}/auth`, token: `${base}/token`, resource } };
  }
  const [authPort, mcpPort] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${authPort}`;
  const env = oursEnv(authPort, mcpPort, `sqlite:${WORK}/ours-${i}.db`);
  const cwd = process.cwd();
  process.chdir(tree); // spawnServer runs the child in the current directory
  const server = spawnServer(`ours-${i}`, process.execPath, [...profArgs(i), bundleOursServer(tree)], env, `${WORK}/logs`);
  process.chdir(cwd);
  await waitReady(server, `${issuer}/health`);
  return { tree, server, endpoints: { register: `${issuer}/oauth/register`, authorize: `${issuer}/oauth/authorize`, token: `${issuer}/oauth/token`, resource: `http://127.0.0.1:${mcpPort}/mcp/v1` } };
}

async function run(s: Subject, sec: number) {
  const cpu0 = cpuMs(s.server.pid);
  const spec = { mode: 'flows', concurrency: CONCURRENCY, maxOps: 1_000_000, durationSec: sec, ...s.endpoints };
  const [cmd, args] = pinned(LOAD_CORE, process.execPath, ['--import', 'tsx', 'bench/load/clients.ts', JSON.stringify(spec)]);
  const child = spawnSync(cmd, args, { encoding: 'utf8', timeout: (sec + 60) * 1000 });
  if (child.status !== 0) throw new Error(child.stderr || child.stdout);
  const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as { requests: number; rps: number; errors: number; cpuMs?: number; wallMs: number; firstError?: string };
  if (r.errors > 0) process.stderr.write(`  ${s.tree}: ${r.errors} errors: ${r.firstError}\n`);
  const cpu = cpuMs(s.server.pid) - cpu0;
  // Busy share of a core, server and load process: the one near 1 is what bounded the flows per second.
  const busy = `${round(cpu / r.wallMs, 2)}/${round((r.cpuMs ?? 0) / r.wallMs, 2)}`;
  return { rps: r.rps, errors: r.errors, usPerFlow: (cpu * 1000) / r.requests, loadUsPerFlow: ((r.cpuMs ?? 0) * 1000) / r.requests, busy };
}

const load = spawnSync('uptime', { encoding: 'utf8' }).stdout.trim();
const subjects: Subject[] = [];
try {
  for (const [i, t] of TREES.entries()) subjects.push(await start(t, i));
  for (const s of subjects) await run(s, 2); // warm-up
  const rows = new Map<string, Array<Awaited<ReturnType<typeof run>>>>();
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of r % 2 ? [...subjects].reverse() : subjects) {
      const key = `${s.tree} #${subjects.indexOf(s)}`;
      const x = await run(s, SEC);
      rows.set(key, [...(rows.get(key) ?? []), x]);
      process.stderr.write(`round ${r + 1} ${key}: ${round(x.rps, 0)} flows/s, ${round(x.usPerFlow, 0)} us/flow server, ${round(x.loadUsPerFlow, 0)} us/flow load, busy server/load ${x.busy}, ${x.errors} errors\n`);
    }
  }
  process.stdout.write(`${ROUNDS} rounds of ${SEC} s, ${CONCURRENCY} flows at once; ${load}\n`);
  for (const [key, xs] of rows) {
    process.stdout.write(
      `${key}: median ${round(median(xs.map((x) => x.rps)), 0)} flows/s, ${round(median(xs.map((x) => x.usPerFlow)), 0)} us/flow server (${xs.map((x) => round(x.usPerFlow, 0)).join(', ')}), ${round(median(xs.map((x) => x.loadUsPerFlow)), 0)} us/flow load\n`,
    );
  }
  process.stdout.write(`end: ${spawnSync('uptime', { encoding: 'utf8' }).stdout.trim()}\n`);
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n${spawnSync('sh', ['-c', `tail -n 30 ${WORK}/logs/*.log`], { encoding: 'utf8' }).stdout}\n`);
  process.exitCode = 1;
} finally {
  for (const s of subjects) await stopServer(s.server, 10_000);
  await stopAll();
  rmSync(WORK, { recursive: true, force: true });
}
