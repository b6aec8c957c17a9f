/**
 * `npx tsx bench/token-micro.ts [sqlite|postgres] [ops] [cc,refresh]`: the token endpoint's logic timed in process, without
 * HTTP (method (c) of the team's measuring rules): the exchange function the direct route calls
 * (auth-server/token-request.ts), inside a log context as the route runs it, for client_credentials (demo client,
 * Basic) and for refresh-token rotation (16 chains at once, as scenario 4 runs them). Median of rounds of the
 * process's CPU microseconds per exchange (user + system: steadier than wall time on a shared machine); the
 * audit queue's writes behind the answers and garbage collection fall inside the rounds.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { tokenExchange, type TokenRequest } from '../src/auth-server/token-request.js';
import { buildAuthServer } from '../src/cli/compose.js';
import { systemClock } from '../src/clock.js';
import { loadConfig } from '../src/config/config.js';
import { readEnv } from '../src/config/env.js';
import { createLogger } from '../src/log/logger.js';
import { runWithLogContext } from '../src/log/context.js';
import { randomToken, sha256 } from '../src/oauth/crypto.js';
import { openStore } from '../src/store/open-store.js';
import { pgBackendPids } from './lib/pg-backends.js';
import { cpuMs } from './lib/proc.js';
import { median, round } from './lib/stats.js';

const DB = process.argv[2] ?? 'sqlite';
const OPS = Number(process.argv[3] ?? 4000);
const ROUNDS = 7;
const CHAINS = 16;
const PG_ADMIN = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let databaseUrl = `sqlite:/tmp/token-micro-${process.pid}.db`;
const pgDb = `token_micro_${process.pid}`;
if (DB === 'postgres') {
  const c = new pg.Client({ connectionString: PG_ADMIN });
  await c.connect();
  await c.query(`CREATE DATABASE ${pgDb}`);
  await c.end();
  const u = new URL(PG_ADMIN);
  u.pathname = `/${pgDb}`;
  databaseUrl = u.toString();
}

const config = loadConfig(readEnv({ DATABASE_URL: databaseUrl, DEMO_MODE: 'true', RATE_LIMIT_PER_MINUTE: '0', LOG_LEVEL: 'warn' }));
const store = await openStore(config.databaseUrl);
const server = await buildAuthServer(config, { store, logger: createLogger('warn'), clock: systemClock });
const exchange = tokenExchange(server.deps);
const resource = `${config.mcpServer.url}/mcp/v1`;
let reqs = 0;
const run = (req: TokenRequest) => runWithLogContext({ reqId: String(++reqs) }, () => exchange(req));

const ccRequest: TokenRequest = {
  contentType: 'application/x-www-form-urlencoded',
  authorization: `Basic ${Buffer.from(`${config.demo.clientId}:${config.demo.clientSecret}`).toString('base64')}`,
  dpop: undefined,
  body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read write', resource }).toString(),
};

/** A public client with a grant and a first refresh token, written straight to the store. */
async function chain() {
  const now = systemClock();
  const clientId = `bench-${randomUUID()}`;
  await store.createClient({
    clientId,
    clientSecretHash: null,
    clientName: 'bench',
    redirectUris: ['http://127.0.0.1/callback'],
    grantTypes: ['authorization_code', 'refresh_token'],
    responseTypes: ['code'],
    tokenEndpointAuthMethod: 'none',
    scope: 'read write',
    applicationType: 'web',
    metadata: {},
    createdAt: now,
    lastUsedAt: null,
  });
  const grantId = randomUUID();
  await store.createGrant({ id: grantId, clientId, subject: 'bench-user', scope: 'read write', resource, createdAt: now, lastUsedAt: null, revokedAt: null });
  const token = randomToken();
  await store.insertRefreshToken({ tokenHash: sha256(token), grantId, clientId, subject: 'bench-user', scope: 'read write', resource, expiresAt: now + 86_400, rotatedAt: null, revokedAt: null, createdAt: now });
  return { clientId, token };
}

/** CPU milliseconds used so far by the PostgreSQL backends serving this run's database (0 on SQLite). */
async function backendCpuMs(): Promise<number> {
  if (DB !== 'postgres') return 0;
  return (await pgBackendPids(PG_ADMIN, pgDb)).reduce((sum, pid) => sum + cpuMs(pid), 0);
}
const backendUs: Record<string, number[]> = { cc: [], refresh: [] };

async function timeRound(ops: number, one: (i: number) => Promise<void>, name?: string): Promise<number> {
  let next = 0;
  const pg0 = await backendCpuMs();
  const t0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CHAINS }, async (_, i) => {
      while (next < ops) {
        next++;
        await one(i);
      }
    }),
  );
  const used = process.cpuUsage(t0);
  if (name) backendUs[name]!.push((((await backendCpuMs()) - pg0) * 1000) / ops);
  return (used.user + used.system) / ops;
}

const chains = await Promise.all(Array.from({ length: CHAINS }, chain));
const results: Record<string, number[]> = { cc: [], refresh: [] };
const modes: Record<string, (i: number) => Promise<void>> = {
  cc: async () => {
    const a = await run(ccRequest);
    if (a.status !== 200) throw new Error(JSON.stringify(a.body));
  },
  refresh: async (i) => {
    const c = chains[i]!;
    const a = await run({ contentType: 'application/x-www-form-urlencoded', authorization: undefined, dpop: undefined, body: `grant_type=refresh_token&refresh_token=${c.token}&client_id=${c.clientId}` });
    if (a.status !== 200) throw new Error(JSON.stringify(a.body));
    c.token = (a.body as { refresh_token: string }).refresh_token;
  },
};
const only = process.argv[4]?.split(',');
const chosen = Object.entries(modes).filter(([name]) => !only || only.includes(name));
for (const [, one] of chosen) await timeRound(OPS / 4, one); // warm-up
for (let r = 0; r < ROUNDS; r++) for (const [name, one] of chosen) results[name]!.push(await timeRound(OPS, one, name));
process.stdout.write(
  `${DB}: ${Object.entries(results)
    .filter(([, xs]) => xs.length > 0)
    .map(([name, xs]) => `${name} ${round(median(xs), 1)} us/op${DB === 'postgres' ? ` + ${round(median(backendUs[name]!), 1)} in PostgreSQL` : ''} (rounds ${xs.map((x) => round(x, 0)).join(', ')})`)
    .join('; ')}\n`,
);
await server.close();
await store.close();
if (DB === 'postgres') {
  const c = new pg.Client({ connectionString: PG_ADMIN });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${pgDb} WITH (FORCE)`);
  await c.end();
}
