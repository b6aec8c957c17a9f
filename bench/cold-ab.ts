/**
 * `npx tsx bench/cold-ab.ts --trees A,B[,hono] [--starts 12]`: cold start of `node <tree>/bin/oauth-mcp.js start`
 * (plain node, SQLite, keys already made) in interleaved A/B rounds, the scenario-6 method (spawn pinned to the
 * server core, poll GET /health every 2 ms). Reported per tree: the median and the lowest time to the first
 * answer, and the CPU time of the process's threads at that moment (read from /proc; it moves less than wall
 * time when other work shares the machine). "hono" is the bare Hono server of scenario 6 (bench/servers/bare-hono.mjs), plain node.
 * Each tree's first start (migrations, key generation, its code cache written) and one more are not counted.
 * Not part of `npm run bench`; a tool for measuring one change against another.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, spawnServer, stopAll, stopServer, threadsCpuMs, waitReady } from './lib/proc.js';
import { median, round } from './lib/stats.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1]! : fallback);
const TREES = opt('trees', process.cwd()).split(',').map((t) => (t === 'hono' ? t : resolve(t)));
const STARTS = Number(opt('starts', '12'));
const WORK = mkdtempSync(`${tmpdir()}/cold-ab-`);
mkdirSync(`${WORK}/logs`);

async function once(tree: string, i: number): Promise<{ ms: number; cpu: number }> {
  const port = await freePort();
  let server;
  let url;
  if (tree === 'hono') {
    server = spawnServer(`hono`, process.execPath, ['bench/servers/bare-hono.mjs'], { PORT: String(port) }, `${WORK}/logs`);
    url = `http://127.0.0.1:${port}/health`;
  } else {
    const mcp = await freePort();
    const env = {
      OAUTH_SERVER_PORT: String(port),
      MCP_SERVER_PORT: String(mcp),
      OAUTH_ISSUER: `http://127.0.0.1:${port}`,
      MCP_SERVER_URL: `http://127.0.0.1:${mcp}`,
      DATABASE_URL: `sqlite:${WORK}/tree-${i}.db`,
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
    };
    // The MCP server listens last: its first answer means both are up.
    server = spawnServer(`tree-${i}`, process.execPath, [`${tree}/bin/oauth-mcp.js`, 'start'], env, `${WORK}/logs`);
    url = `http://127.0.0.1:${mcp}/health`;
  }
  const ms = await waitReady(server, url, 60_000, 2);
  const cpu = threadsCpuMs(server.pid);
  await sleep(200); // let a first start save its code cache
  await stopServer(server);
  return { ms, cpu };
}

try {
  for (const [i, t] of TREES.entries()) for (let w = 0; w < 2; w++) await once(t, i);
  const samples = TREES.map(() => [] as { ms: number; cpu: number }[]);
  for (let r = 0; r < STARTS; r++) {
    const order = [...TREES.keys()];
    for (const i of r % 2 ? order.reverse() : order) samples[i]!.push(await once(TREES[i]!, i));
  }
  for (const [i, t] of TREES.entries()) {
    const s = samples[i]!;
    const ms = s.map((x) => x.ms);
    const cpu = s.map((x) => x.cpu);
    console.log(
      `${t}: first answer median ${round(median(ms), 1)} ms (min ${round(Math.min(...ms), 1)}), CPU median ${round(median(cpu), 1)} ms (min ${round(Math.min(...cpu), 1)}), n=${s.length}`,
    );
  }
} finally {
  await stopAll();
}
