/**
 * `npx tsx bench/load/gateway-instructions.ts [calls] [root...]`: instructions the gateway's event-loop thread runs
 * per forwarded tools/call, under callgrind: steadier than CPU time for a small A/B on a loaded machine, where CPU
 * time per call swings by ±20% (two runs of one tree agreed within 0.2-1% here). Not fully deterministic: the
 * audit queue flushes by wall time, so the count rises with the machine's load (605 k a call at load 4, 700 k
 * beside a test suite); compare trees within one run only. Trees run A B ... B A (default: this one), each: bench/servers/echo-upstream.mjs, then `valgrind --tool=callgrind --instr-atstart=no
 * --separate-threads=yes node <root>/bin/oauth-mcp.js gateway --http <upstream>`; 1,500 calls to warm up with
 * instrumentation off, then `calls` (default 1,000) with it on, one at a time (GATEWAY_INSTR_CONCURRENCY to change),
 * so no tree batches more per wake-up than another. Only the main thread is counted: the checkpointer's worker
 * and V8's helper threads run on time, not per call. Needs valgrind (callgrind_control).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { openLegacySession, toolsCallBody } from '../lib/mcp.js';
import { clientCredentials } from '../lib/oauth.js';
import { freePort, spawnServer, stopAll, stopServer, waitReady } from '../lib/proc.js';
import { oursEnv } from '../lib/ours-env.js';

const [callsArg, ...roots] = process.argv.slice(2);
const CALLS = Number(callsArg ?? 1000);
const WARM = 1500;
const CONCURRENCY = Number(process.env.GATEWAY_INSTR_CONCURRENCY ?? 1);
const TREES = roots.length ? roots.map((r) => resolve(r)) : [process.cwd()];

async function measure(root: string): Promise<number> {
  const logs = mkdtempSync(`${tmpdir()}/gateway-instr-`);
  const port = await freePort();
  spawnServer('echo', process.execPath, [resolve('bench/servers/echo-upstream.mjs')], { PORT: String(port) }, logs);
  const upstream = `http://127.0.0.1:${port}/mcp`;
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(upstream, { method: 'POST', body: '{"jsonrpc":"2.0","method":"notifications/x"}' }).then((r) => r.status === 202, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const [a, m] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${a}`;
  const base = `http://127.0.0.1:${m}`;
  const env = oursEnv(a, m, `sqlite:${logs}/db.db`);
  const args = ['--tool=callgrind', `--callgrind-out-file=${logs}/cg.%p`, '--instr-atstart=no', '--separate-threads=yes', process.execPath, resolve(root, 'bin/oauth-mcp.js'), 'gateway', '--http', upstream];
  const gw = spawnServer('gateway', 'valgrind', args, env, logs);
  await waitReady(gw, `${base}/health`, 600_000, 200);
  await waitReady(gw, `${issuer}/health`, 60_000, 200);
  const url = `${base}/mcp`;
  const token = (await clientCredentials(`${issuer}/oauth/token`, ['demo_client', 'demo_secret'], url)).access_token;
  const headers = await openLegacySession(url, token);
  const template = toolsCallBody('echo', { message: 'bench' });
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let id = 1;
  const call = () =>
    new Promise<void>((done, fail) => {
      const body = template.replace('{{id}}', String(id++));
      const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => res.resume().on('end', done));
      req.on('error', fail);
      req.end(body);
    });
  const run = async (n: number) => {
    let left = n;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => { while (left-- > 0) await call(); }));
  };
  await run(WARM);
  execFileSync('callgrind_control', ['-i', 'on', String(gw.pid)], { stdio: 'ignore' });
  await run(CALLS);
  execFileSync('callgrind_control', ['-i', 'off', String(gw.pid)], { stdio: 'ignore' });
  execFileSync('callgrind_control', ['-d', String(gw.pid)], { stdio: 'ignore' });
  agent.destroy();
  await stopServer(gw, 10_000);
  await stopAll();
  // Thread 1 is the event loop; its dump holds the instrumented calls (the part written at exit holds none).
  let instructions = 0;
  for (const f of readdirSync(logs).filter((f) => f.startsWith('cg.') && f.endsWith('-01'))) {
    for (const t of readFileSync(`${logs}/${f}`, 'utf8').matchAll(/\ntotals: (\d+)/g)) instructions += Number(t[1]);
  }
  return instructions / CALLS;
}

const results: Array<{ root: string; instructionsPerCall: number }> = [];
for (const root of [...TREES, ...[...TREES].reverse()]) {
  const perCall = await measure(root);
  results.push({ root, instructionsPerCall: Math.round(perCall) });
  process.stderr.write(`${root}: ${(perCall / 1000).toFixed(1)} k instructions per call\n`);
}
process.stdout.write(`${JSON.stringify(results)}\n`);
