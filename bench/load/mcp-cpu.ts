/**
 * `npx tsx bench/load/mcp-cpu.ts [seconds] [rounds] [root...]`: CPU time of the server process per tools/call,
 * for A/B work on a shared machine where req/s swings with other load. For each source tree given (default:
 * this one), starts bench/servers/oauth-mcp.ts from it pinned to core 0, then for the 2025-11-25 session and
 * the 2026-07-28 stateless call runs wrk (core 1, 16 connections) and reads the server's utime+stime from
 * /proc around the run. Trees are interleaved round by round (ABBA). Prints one line per run and a JSON
 * summary: median µs of server CPU per call, and median req/s. MCP_CPU_KINDS=bearer-wrk,dpop runs scenario 8's
 * pair instead: 2026-07-28 tools/call under wrk through bench/lib/wrk-dpop.lua (core 1), with a Bearer token and
 * with a DPoP-bound token and a fresh ES256 proof per request; add `ruler` (MCP_CPU_KINDS=bearer-wrk,ruler,dpop) for
 * scenario 8's ruler read inside requests: the Bearer call with a proof in `DPoP-Ruler` that the bench server checks
 * with the bare check (bench/lib/bare-proof-check.ts). The summary then also gives, per tree, DPoP's extra CPU per
 * call over Bearer and the ruler's, each the median of the rounds' differences, and their quotient.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { runProofLoad } from '../lib/dpop-load.js';
import { runLoad } from '../lib/load.js';
import { checkCall, modernCall, openLegacySession, toolsCallBody } from '../lib/mcp.js';
import { clientCredentials } from '../lib/oauth.js';
import { bundleOursServer } from '../lib/ours-bundle.js';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { cpuMs, freePort, spawnServer, stopAll, waitReady, type Server } from '../lib/proc.js';
import { abSummary, median } from '../lib/stats.js';
import { oursEnv } from '../lib/ours-env.js';

const [secondsArg, roundsArg, ...roots] = process.argv.slice(2);
const SECONDS = Number(secondsArg ?? 4);
const ROUNDS = Number(roundsArg ?? 4);
const TREES = roots.length ? roots.map((r) => resolve(r)) : [process.cwd()];
const LOGS = mkdtempSync(`${tmpdir()}/mcp-cpu-`);
/** Set: the servers run with --cpu-prof and write their profiles there when stopped. */
const PROF_DIR = process.env.MCP_CPU_PROF_DIR;
/** MCP_CPU_KINDS=legacy, modern, api (GET /api/data, scenario 2's request), bearer-wrk, ruler or dpop: only those. */
type Kind = 'legacy' | 'modern' | 'api' | 'bearer-wrk' | 'ruler' | 'dpop';
const KINDS = (process.env.MCP_CPU_KINDS ?? 'legacy,modern').split(',') as Kind[];

interface Tree {
  root: string;
  server: Server;
  mcpUrl: string;
  token: string;
  /** With a dpop kind: a DPoP-bound token and the private key of its proofs. */
  dpop?: { token: string; key: JWK };
  /** With the ruler kind: the key its proofs (bound to the Bearer token) are signed with. */
  rulerKey?: JWK;
}

/** client_credentials with a DPoP proof: a token bound to a fresh ES256 key (scenario 8's). */
async function dpopToken(tokenUrl: string, resource: string): Promise<{ token: string; key: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const proof = await new SignJWT({ htm: 'POST', htu: tokenUrl, jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: await exportJWK(publicKey) })
    .setIssuedAt()
    .sign(privateKey);
  const res = await fetch(tokenUrl, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('demo_client:demo_secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded', dpop: proof },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read write', resource }),
  });
  const bound = (await res.json()) as { access_token: string; token_type: string };
  if (bound.token_type !== 'DPoP') throw new Error(`no DPoP-bound token: ${JSON.stringify(bound)}`);
  return { token: bound.access_token, key: await exportJWK(privateKey) };
}

/**
 * Scenario 8's pair under wrk (bench/lib/dpop-load.ts): the same script with a Bearer token, or a DPoP-bound one and
 * a fresh proof per request. The server's CPU is read from when the proofs are signed to the end of the run.
 */
async function proofCalls(t: Tree, kind: 'bearer-wrk' | 'ruler' | 'dpop', seconds: number) {
  const { headers, body } = modernCall(t.token, 'get_data', {});
  delete (headers as Record<string, string>).authorization;
  const proofs =
    kind === 'dpop' ? { token: t.dpop!.token, dpopKey: t.dpop!.key }
    : kind === 'ruler' ? { token: t.token, dpopKey: t.rulerKey!, proofHeader: 'DPoP-Ruler' }
    : { token: t.token };
  const spec = { url: t.mcpUrl, headers, body, ...proofs, proofsPerSec: 8000, connections: 16, durationSec: seconds };
  let before = Number.NaN;
  const r = await runProofLoad(spec, 1, () => (before = cpuMs(t.server.pid)));
  const used = cpuMs(t.server.pid) - before;
  return { rps: r.rps, cpuUsPerCall: (used * 1000) / r.requests, errors: r.errors };
}

async function start(root: string, i: number): Promise<Tree> {
  const [a, m] = [await freePort(), await freePort()];
  const env = oursEnv(a, m, `sqlite:${LOGS}/db${i}.db`, KINDS.includes('ruler') ? { BENCH_PROOF_RULER: '1' } : {});
  const server = spawnServer(`tree${i}`, process.execPath, [...(PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROF_DIR}`] : []), bundleOursServer(root)], env, LOGS);
  await waitReady(server, `http://127.0.0.1:${m}/health`);
  await waitReady(server, `http://127.0.0.1:${a}/health`);
  const mcpUrl = `http://127.0.0.1:${m}/mcp/v1`;
  const token = (await clientCredentials(`http://127.0.0.1:${a}/oauth/token`, ['demo_client', 'demo_secret'], mcpUrl)).access_token;
  for (let k = 1; k <= 3; k++) {
    await fetch(`http://127.0.0.1:${m}/api/data`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `item ${k}`, value: k }),
    });
  }
  const dpop = KINDS.includes('dpop') ? await dpopToken(`http://127.0.0.1:${a}/oauth/token`, mcpUrl) : undefined;
  const rulerKey = KINDS.includes('ruler') ? await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey) : undefined;
  return { root, server, mcpUrl, token, ...(dpop && { dpop }), ...(rulerKey && { rulerKey }) };
}

async function once(t: Tree, kind: Kind, seconds: number) {
  if (kind === 'bearer-wrk' || kind === 'ruler' || kind === 'dpop') return proofCalls(t, kind, seconds);
  if (kind === 'api') {
    const url = t.mcpUrl.replace(/\/mcp\/v1$/, '/api/data');
    const headers = { authorization: `Bearer ${t.token}` };
    const check = await fetch(url, { headers });
    if (check.status !== 200) throw new Error(`GET /api/data: ${check.status}`);
    const before = cpuMs(t.server.pid);
    const r = await runLoad({ url, headers, connections: 16, durationSec: seconds });
    const used = cpuMs(t.server.pid) - before;
    return { rps: r.rps, cpuUsPerCall: (used * 1000) / r.requests, errors: r.errors };
  }
  let headers: Record<string, string>;
  let body: string;
  if (kind === 'legacy') {
    headers = await openLegacySession(t.mcpUrl, t.token);
    body = toolsCallBody('get_data', {});
  } else {
    ({ headers, body } = modernCall(t.token, 'get_data', {}));
  }
  await checkCall(t.mcpUrl, headers, body);
  const before = cpuMs(t.server.pid);
  const r = await runLoad({ url: t.mcpUrl, method: 'POST', headers, body, connections: 16, durationSec: seconds });
  const used = cpuMs(t.server.pid) - before;
  return { rps: r.rps, cpuUsPerCall: (used * 1000) / r.requests, errors: r.errors };
}

const trees: Tree[] = [];
try {
  for (const [i, root] of TREES.entries()) trees.push(await start(root, i));
  for (const t of trees) for (const kind of KINDS) await once(t, kind, 2); // warm-up
  const samples = new Map<string, { rps: number[]; cpu: number[] }>();
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [...trees].reverse() : trees;
    for (const t of order) {
      for (const kind of KINDS) {
        const s = await once(t, kind, SECONDS);
        const key = `${t.root} ${kind}`;
        if (!samples.has(key)) samples.set(key, { rps: [], cpu: [] });
        samples.get(key)!.rps.push(s.rps);
        samples.get(key)!.cpu.push(s.cpuUsPerCall);
        process.stderr.write(`round ${r + 1} ${key}: ${s.rps.toFixed(0)} req/s, ${s.cpuUsPerCall.toFixed(0)} µs CPU/call${s.errors ? `, ${s.errors} errors` : ''}\n`);
      }
    }
  }
  // Against the first tree, the median of per-round ratios (each pair from the same round).
  const summary = [...samples].map(([key, v]) => {
    const [root, kind] = key.split(' ');
    const first = samples.get(`${TREES[0]} ${kind}`)!;
    return { key, ...abSummary(v, root !== TREES[0] ? first : undefined) };
  });
  // Scenario 8's reading per tree: DPoP's extra CPU per call over Bearer, in units of the ruler's (bare check) extra.
  const perRound = (root: string, kind: Kind) => samples.get(`${root} ${kind}`)?.cpu;
  const dpopUnits = TREES.flatMap((root) => {
    const [b, r, d] = [perRound(root, 'bearer-wrk'), perRound(root, 'ruler'), perRound(root, 'dpop')];
    if (!b || !d) return [];
    const extraUs = median(d.map((x, i) => x - b[i]!));
    const rulerUs = r && median(r.map((x, i) => x - b[i]!));
    return [{ key: `${root} dpop-extra`, extraUs: Math.round(extraUs), ...(rulerUs && { rulerUs: Math.round(rulerUs), inRulers: Math.round((extraUs / rulerUs) * 1000) / 1000 }) }];
  });
  process.stdout.write(`${JSON.stringify([...summary, ...dpopUnits])}\n`);
} finally {
  await stopAll();
}
