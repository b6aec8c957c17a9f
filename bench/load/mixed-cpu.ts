/**
 * `npx tsx bench/load/mixed-cpu.ts [seconds] [rounds] [root...]`: server CPU per GET /api/data while tokens are
 * issued on the same SQLite file (so commits land between reads), for A/B work between source trees on a shared
 * machine. For each tree (default: this one), starts bench/servers/oauth-mcp.ts from it pinned to core 0 with three
 * items for the caller, and a second server process from the same tree on the same file (also core 0). Each round,
 * trees in ABBA order, runs on core 1: the reads alone (wrk, 16 connections, scenario 2's request); and for each
 * rate in MIXED_RATES (default 200,1000 a second) the reads with client_credentials requests at that rate beside
 * them (bench/lib/token-pace.ts), sent to the same process (`same@rate`: its CPU per read includes the tokens) and
 * to the second process (`second@rate`: the reading process's CPU is the reads' alone, with every token's commit
 * landing on the file it reads). Prints one line per run and a JSON summary: medians, and against the first tree
 * the median of per-round ratios of CPU per read.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { clientCredentials } from '../lib/oauth.js';
import { bundleOursServer } from '../lib/ours-bundle.js';
import { cpuMs, freePort, spawnServer, stopAll, waitReady, type Server } from '../lib/proc.js';
import { median } from '../lib/stats.js';
import { runMixed, type PaceSpec } from '../lib/token-pace.js';
import { oursEnv } from '../lib/ours-env.js';

const [secondsArg, roundsArg, ...roots] = process.argv.slice(2);
const SECONDS = Number(secondsArg ?? 4);
const ROUNDS = Number(roundsArg ?? 4);
const TREES = roots.length ? roots.map((r) => resolve(r)) : [process.cwd()];
const RATES = (process.env.MIXED_RATES ?? '200,1000').split(',').map(Number);
const LOGS = mkdtempSync(`${tmpdir()}/mixed-cpu-`);
const CLIENT: [string, string] = ['demo_client', 'demo_secret'];

interface Tree {
  root: string;
  server: Server;
  /** The second process on the same SQLite file: tokens sent there commit where the reads read, on its CPU. */
  writer: Server;
  apiUrl: string;
  mcpUrl: string;
  tokenUrl: string;
  writerTokenUrl: string;
  /** The resource the second process issues tokens for: its own MCP server's (RFC 8707, a resource it serves). */
  writerMcpUrl: string;
  token: string;
}

async function spawnOurs(root: string, name: string, db: string) {
  const [a, m] = [await freePort(), await freePort()];
  const env = oursEnv(a, m, `sqlite:${db}`);
  const server = spawnServer(name, process.execPath, [bundleOursServer(root)], env, LOGS);
  await waitReady(server, `http://127.0.0.1:${m}/health`);
  await waitReady(server, `http://127.0.0.1:${a}/health`);
  return { server, tokenUrl: `http://127.0.0.1:${a}/oauth/token`, mcpBase: `http://127.0.0.1:${m}` };
}

async function start(root: string, i: number): Promise<Tree> {
  const db = `${LOGS}/db${i}.db`;
  const reader = await spawnOurs(root, `tree${i}`, db);
  const writer = await spawnOurs(root, `tree${i}-writer`, db);
  const mcpUrl = `${reader.mcpBase}/mcp/v1`;
  const token = (await clientCredentials(reader.tokenUrl, CLIENT, mcpUrl)).access_token;
  const apiUrl = `${reader.mcpBase}/api/data`;
  for (let k = 1; k <= 3; k++) {
    const res = await fetch(apiUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `item ${k}`, value: k }),
    });
    if (res.status !== 201) throw new Error(`seeding ${apiUrl}: ${res.status}`);
  }
  return { root, server: reader.server, writer: writer.server, apiUrl, mcpUrl, tokenUrl: reader.tokenUrl, writerTokenUrl: writer.tokenUrl, writerMcpUrl: `${writer.mcpBase}/mcp/v1`, token };
}

interface Run {
  reads: number;
  readsPerSec: number;
  writes: number;
  writesPerSec: number;
  late: number;
  errors: number;
  /** The reading process's CPU over the run. */
  cpuMs: number;
}

/** One run: the reads under wrk, and tokens at `rate` a second beside them (none when 0) from `tokenUrl` for `resource`. */
async function once(t: Tree, rate: number, [tokenUrl, resource]: [string, string], seconds: number): Promise<Run> {
  const readSpec = { url: t.apiUrl, headers: { authorization: `Bearer ${t.token}` }, connections: 16, durationSec: seconds };
  const writeSpec: PaceSpec | undefined = rate > 0 ? { tokenUrl, resource, client: CLIENT, rate, durationSec: seconds } : undefined;
  const before = cpuMs(t.server.pid);
  const r = await runMixed(readSpec, writeSpec);
  const used = cpuMs(t.server.pid) - before;
  return {
    reads: r.reads!.requests,
    readsPerSec: r.reads!.rps,
    writes: r.writes?.requests ?? 0,
    writesPerSec: r.writes?.rps ?? 0,
    late: r.writes?.late ?? 0,
    errors: r.reads!.errors + (r.writes?.errors ?? 0),
    cpuMs: used,
  };
}

/** Per round and tree: the kinds measured, keyed `read`, `same@<rate>`, `second@<rate>`. */
const kinds: Array<{ key: string; rate: number; url: (t: Tree) => [string, string] }> = [
  { key: 'read', rate: 0, url: (t) => [t.tokenUrl, t.mcpUrl] },
  ...RATES.flatMap((rate) => [
    { key: `same@${rate}`, rate, url: (t: Tree): [string, string] => [t.tokenUrl, t.mcpUrl] },
    { key: `second@${rate}`, rate, url: (t: Tree): [string, string] => [t.writerTokenUrl, t.writerMcpUrl] },
  ]),
];

const trees: Tree[] = [];
/** runs.get(tree root)[round][kind key] */
const runs = new Map<string, Array<Record<string, Run>>>();
try {
  for (const [i, root] of TREES.entries()) trees.push(await start(root, i));
  for (const t of trees) for (const k of kinds) await once(t, k.rate, k.url(t), 2); // warm-up
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of r % 2 ? [...trees].reverse() : trees) {
      const round: Record<string, Run> = {};
      for (const k of r % 2 ? [...kinds].reverse() : kinds) {
        const s = await once(t, k.rate, k.url(t), SECONDS);
        round[k.key] = s;
        process.stderr.write(
          `${new Date().toISOString().slice(11, 19)} round ${r + 1} ${t.root} ${k.key}: ${s.readsPerSec.toFixed(0)} reads/s, ${((s.cpuMs * 1000) / s.reads).toFixed(1)} µs CPU/read, ${s.writesPerSec.toFixed(0)} tokens/s${s.late ? `, ${s.late} late` : ''}${s.errors ? `, ${s.errors} errors` : ''}\n`,
        );
      }
      if (!runs.has(t.root)) runs.set(t.root, []);
      runs.get(t.root)!.push(round);
    }
  }
} finally {
  await stopAll();
}

/** The round's figures for one tree, per kind: CPU per read, reads and tokens a second. */
function figures(round: Record<string, Run>) {
  const out: Record<string, number> = {};
  for (const [key, run] of Object.entries(round)) {
    out[`${key}:cpuUsPerRead`] = (run.cpuMs * 1000) / run.reads;
    out[`${key}:readsPerSec`] = run.readsPerSec;
    if (run.writes) out[`${key}:tokensPerSec`] = run.writesPerSec;
  }
  return out;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const byTree = new Map([...runs].map(([root, rounds]) => [root, rounds.map(figures)]));
const first = byTree.get(TREES[0]!)!;
const summary = [...byTree].map(([root, rounds]) => {
  const keys = Object.keys(rounds[0]!).sort();
  const medians = Object.fromEntries(keys.map((k) => [k, r3(median(rounds.map((f) => f[k]!)))]));
  // Within the tree, per round: reads with tokens against reads alone (CPU inverted: reads per CPU second).
  const within = Object.fromEntries(
    kinds.filter((k) => k.rate > 0).flatMap((k) => [
      [`${k.key}/read:reads/s`, r3(median(rounds.map((f) => f[`${k.key}:readsPerSec`]! / f['read:readsPerSec']!)))],
      [`${k.key}/read:cpu, inverted`, r3(median(rounds.map((f) => f['read:cpuUsPerRead']! / f[`${k.key}:cpuUsPerRead`]!)))],
    ]),
  );
  // Against the first tree, CPU per read as this/first (below 1: this tree spends less), per round.
  const against =
    root === TREES[0]
      ? undefined
      : Object.fromEntries(keys.filter((k) => k.endsWith('cpuUsPerRead')).map((k) => [k, { ratio: r3(median(rounds.map((f, i) => f[k]! / first[i]![k]!))), perRound: rounds.map((f, i) => r3(f[k]! / first[i]![k]!)) }]));
  return { root, medians, within, ...(against && { againstFirst: against }) };
});
process.stdout.write(`${JSON.stringify(summary, null, 1)}\n`);
