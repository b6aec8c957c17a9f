/**
 * `npx tsx bench/load/dpop-calls-micro.ts [--trees A,B] [--calls 400] [--rounds 20]`: scenario 8 in process,
 * without sockets: 2026-07-28 tools/call get_data through the MCP server's node request listener (what a running
 * server uses: the stateless direct route in front of Hono) fed in-memory requests, with a Bearer token and with
 * a DPoP-bound token and a fresh ES256 proof per call (signed before the clock starts). Every tree (default: this
 * one) is loaded in this one process, with its own store file; blocks of calls alternate between trees and
 * kinds (ABBA). Reported per tree: median CPU µs per call (user + system of the process) of each kind, and the
 * median per-round Bearer/DPoP CPU ratio: what scenario 8's DPoP/Bearer req/s ratio reads when the server is the
 * bound, and the median per-round difference (what DPoP adds to a call). For A/B on a shared machine, where the HTTP loop's req/s swings with other load.
 */
import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';
import { resolve } from 'node:path';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { inMemoryCall } from '../lib/in-memory-http.js';
import { modernCall } from '../lib/mcp.js';
import { median, round } from '../lib/stats.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1]! : fallback);
const trees = opt('trees', process.cwd()).split(',').map((t) => resolve(t));
const CALLS = Number(opt('calls', '400'));
const ROUNDS = Number(opt('rounds', '20'));
const KINDS = ['bearer', 'dpop'] as const;

const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = await exportJWK(publicKey);
const proof = (htu: string, claims: Record<string, unknown> = {}) =>
  new SignJWT({ htm: 'POST', htu, jti: randomUUID(), ...claims }).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk }).setIssuedAt().sign(privateKey);

const runners = [];
for (const tree of trees) runners.push(await runner(tree));
for (const r of runners) for (const kind of KINDS) await r.block(kind, CALLS); // warm-up
const cpu = new Map(runners.map((_, i) => [i, { bearer: [] as number[], dpop: [] as number[] }]));
for (let i = 0; i < ROUNDS; i++) {
  for (const [k, r] of i % 2 ? [...runners.entries()].reverse() : [...runners.entries()]) {
    for (const kind of i % 2 ? [...KINDS].reverse() : KINDS) cpu.get(k)![kind].push(await r.block(kind, CALLS));
  }
}
process.stdout.write(`${ROUNDS} interleaved rounds of ${CALLS} calls per tree and kind\n`);
for (const [k, v] of cpu) {
  const ratio = median(v.bearer.map((b, i) => b / v.dpop[i]!));
  // What DPoP adds to a call: the median of the rounds' differences (each pair from the same round).
  const extra = median(v.dpop.map((d, i) => d - v.bearer[i]!));
  process.stdout.write(`${trees[k]}: bearer ${round(median(v.bearer), 0)} us/call, dpop ${round(median(v.dpop), 0)} us/call; bearer/dpop CPU ${round(ratio, 3)}; DPoP adds ${round(extra, 1)} us/call\n`);
}
for (const r of runners) await r.close();
process.exit(0);

/** One tree's authorization and MCP servers in this process; `block` times `count` calls of one kind, 8 at once. */
async function runner(tree: string) {
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const src = (p: string) => import(`${tree}/src/${p}`);
  const { buildAuthServer, buildMcpServer } = await src('cli/compose.ts');
  const { systemClock } = await src('clock.ts');
  const { loadConfig } = await src('config/config.ts');
  const { readEnv } = await src('config/env.ts');
  const { createLogger } = await src('log/logger.ts');
  const { openStore } = await src('store/open-store.ts');
  const { sha256 } = await src('oauth/crypto.ts');

  const dir = mkdtempSync(`${tmpdir()}/dpop-calls-micro-`);
  const config = loadConfig(readEnv({ DATABASE_URL: `sqlite:${dir}/db.sqlite`, DEMO_MODE: 'true', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn' }));
  const store = await openStore(config.databaseUrl);
  const base = { store, logger: createLogger('warn'), clock: systemClock };
  const auth = await buildAuthServer(config, base);
  // The MCP server reads the issuer's JWKS from the authorization server in this process.
  const mcp = await buildMcpServer(config, base, {}, { fetch: (url: string | URL | Request, init?: RequestInit) => auth.fetch(new Request(url, init)) });
  const authNode = auth.node as RequestListener;
  const mcpNode = mcp.node as RequestListener;
  const tokenUrl = `${config.authServer.issuer}/oauth/token`;
  const mcpUrl = `${config.mcpServer.url}/mcp/v1`;

  const basic = `Basic ${Buffer.from(`${config.demo.clientId}:${config.demo.clientSecret}`).toString('base64')}`;
  const form = new URLSearchParams({ grant_type: 'client_credentials', scope: 'read write', resource: mcpUrl }).toString();
  const tokenOf = async (headers: Record<string, string>) => {
    const answer = await inMemoryCall(authNode, 'POST', '/oauth/token', { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', ...headers }, form);
    if (answer.status !== 200) throw new Error(`token ${answer.status} ${answer.body}`);
    return JSON.parse(answer.body) as { access_token: string; token_type: string };
  };
  const bearer = (await tokenOf({})).access_token;
  const bound = await tokenOf({ dpop: await proof(tokenUrl) });
  if (bound.token_type !== 'DPoP') throw new Error(`no DPoP-bound token: ${JSON.stringify(bound)}`);
  const ath = sha256(bound.access_token);

  const { headers, body } = modernCall(bearer, 'get_data', {});
  const call = async (kind: 'bearer' | 'dpop', n: number, dpop?: string) => {
    const auth = kind === 'bearer' ? `Bearer ${bearer}` : `DPoP ${bound.access_token}`;
    const answer = await inMemoryCall(mcpNode, 'POST', '/mcp/v1', { ...headers, authorization: auth, ...(dpop && { dpop }) }, body.replace('{{id}}', String(n)));
    if (answer.status !== 200 || answer.body.includes('"isError":true')) throw new Error(`${kind} tools/call ${answer.status} ${answer.body.slice(0, 300)}`);
  };

  let n = 0;
  async function block(kind: 'bearer' | 'dpop', count: number): Promise<number> {
    const proofs = kind === 'dpop' ? await Promise.all(Array.from({ length: count }, () => proof(mcpUrl, { ath }))) : [];
    let left = count;
    const c0 = process.cpuUsage();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (left-- > 0) await call(kind, ++n, proofs[left]);
      }),
    );
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / count;
  }
  return {
    block,
    close: async () => {
      await mcp.close();
      await auth.close();
      await store.close();
    },
  };
}
