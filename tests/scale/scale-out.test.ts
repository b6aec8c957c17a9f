import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { auth } from '@modelcontextprotocol/client';
import { TestOAuthProvider } from '../interop/oauth-provider.js';
import { createTestPostgresDatabase, RUN_POSTGRES } from '../helpers/databases.js';
import { callWithRecovery, flowLoop, Ledger, ScaleClient, toolLoop, type ClientKind } from './clients.js';
import { findNginx, freePort, Instance, Nginx, runCli, tempDir } from './stack.js';

/**
 * docs/deploy.md: two authorization-server and two MCP-server instances (`oauth-mcp start --only auth|mcp`, real
 * processes) on one PostgreSQL database behind nginx, all on loopback. Official SDK clients (v2 and v1, Streamable
 * HTTP with sessions, 2026-07-28 stateless, 2024-11-05 HTTP+SSE) run OAuth flows and tool calls through nginx
 * while one MCP instance and one authorization-server instance are SIGKILLed and restarted. The test prints what
 * it counted.
 */

const NGINX = findNginx();
const CI = process.env.CI === 'true';
if (CI && !NGINX) throw new Error('nginx is required under CI=true (.ci/run installs it)');
const skipReason = !NGINX ? 'nginx is not installed' : !RUN_POSTGRES ? 'no PostgreSQL at 127.0.0.1:5432' : undefined;

const KEY_RELOAD_SECONDS = 1;
/** runtime/auth-server.ts: a rotated key signs after KEY_RELOAD_SECONDS + the JWKS cooldown (30 s) + 5 s. */
const SIGNING_DELAY_S = KEY_RELOAD_SECONDS + 30 + 5;
const SECRET = 'scale-out-test-secret-0123456789-abcdefghijklmnop';

const t0 = Date.now();
const log = (msg: string) => console.log(`[scale +${((Date.now() - t0) / 1000).toFixed(1)}s] ${msg}`);

interface Stack {
  dir: { dir: string; remove: () => void };
  db: { url: string; drop: () => Promise<void> };
  as: Instance[];
  mcp: Instance[];
  nginx: Nginx;
  issuer: string;
  mcpUrl: string;
  cliEnv: Record<string, string>;
}

let stack: Stack | undefined;

async function jwksOf(base: string): Promise<{ keys: Array<{ kid: string }> }> {
  const res = await fetch(`${base}/.well-known/jwks.json`);
  if (!res.ok) throw new Error(`JWKS at ${base}: ${res.status}`);
  return (await res.json()) as { keys: Array<{ kid: string }> };
}
const kidsOf = (jwks: { keys: Array<{ kid: string }> }) => jwks.keys.map((k) => k.kid).sort();

async function refresh(base: string, clientId: string, refreshToken: string) {
  const res = await fetch(`${base}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe.skipIf(skipReason !== undefined)(`scale-out: 2 authorization servers + 2 MCP servers on PostgreSQL behind nginx${skipReason ? ` (SKIPPED: ${skipReason})` : ''}`, () => {
  beforeAll(async () => {
    const dir = tempDir();
    const db = await createTestPostgresDatabase();
    const [asPublic, mcpPublic, as1, as2, mcp1, mcp2] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
    const issuer = `http://127.0.0.1:${asPublic}`;
    const mcpUrl = `http://127.0.0.1:${mcpPublic}`;
    const common: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: process.env.HOME ?? '/tmp',
      DATABASE_URL: db.url,
      OAUTH_ISSUER: issuer,
      MCP_SERVER_URL: mcpUrl,
      SECRET_KEY: SECRET,
      DEMO_MODE: 'true',
      TRUSTED_PROXIES: '127.0.0.1',
      RATE_LIMIT_STORE: 'postgres',
      RATE_LIMIT_PER_MINUTE: '100000', // every test client is 127.0.0.1: one shared bucket, counted in PostgreSQL
      // Every demo client writes as the one demo user: a load of this size passes the default per-owner quota.
      DATA_ITEMS_PER_OWNER: '1000000',
      DATA_BYTES_PER_OWNER: '1000000000',
      KEY_RELOAD_SECONDS: String(KEY_RELOAD_SECONDS),
      LOG_LEVEL: 'warn',
    };
    // Migrations once, before any instance starts (docs/deploy.md).
    const migrated = await runCli(['migrate'], common);
    if (migrated.code !== 0) throw new Error(`oauth-mcp migrate failed: ${migrated.output}`);
    const authEnv = (id: string, port: number) => ({ ...common, INSTANCE_ID: id, OAUTH_SERVER_HOST: '127.0.0.1', OAUTH_SERVER_PORT: String(port) });
    const mcpEnv = (id: string, port: number) => ({ ...common, INSTANCE_ID: id, MCP_SERVER_HOST: '127.0.0.1', MCP_SERVER_PORT: String(port) });
    const as = [new Instance('as1', 'auth', as1, authEnv('as1', as1), dir.dir), new Instance('as2', 'auth', as2, authEnv('as2', as2), dir.dir)];
    const mcp = [new Instance('mcp1', 'mcp', mcp1, mcpEnv('mcp1', mcp1), dir.dir), new Instance('mcp2', 'mcp', mcp2, mcpEnv('mcp2', mcp2), dir.dir)];
    const nginx = new Nginx(
      NGINX!,
      {
        AS1: `127.0.0.1:${as1}`,
        AS2: `127.0.0.1:${as2}`,
        MCP1: `127.0.0.1:${mcp1}`,
        MCP2: `127.0.0.1:${mcp2}`,
        AS_LISTEN: `127.0.0.1:${asPublic}`,
        MCP_LISTEN: `127.0.0.1:${mcpPublic}`,
      },
      dir.dir,
    );
    stack = { dir, db, as, mcp, nginx, issuer, mcpUrl, cliEnv: common };
    // All four at once on the empty key table: they must agree on one first signing key.
    await Promise.all([...as, ...mcp].map((i) => i.start()));
    await nginx.start([`${issuer}/health`, `${mcpUrl}/health`]);
    log(`stack up: nginx AS ${issuer}, MCP ${mcpUrl}; instances ${[...as, ...mcp].map((i) => `${i.name}:${i.port}`).join(' ')}; files in ${dir.dir}`);
  }, 90_000);

  afterAll(async () => {
    if (!stack) return;
    await stack.nginx.stop();
    await Promise.all([...stack.as, ...stack.mcp].map((i) => i.stop()));
    await stack.db.drop();
    stack.dir.remove();
  }, 30_000);

  it('survives SIGKILL of one MCP and one authorization-server instance: data kept, no family wrongly revoked, only in-flight requests fail, clients recover, same JWKS everywhere', async () => {
    const s = stack!;
    const endpoint = new URL(`${s.mcpUrl}/mcp/v1`);

    // --- JWKS: both instances publish the same set (one first key, although all started together).
    const [j1, j2] = await Promise.all(s.as.map((i) => jwksOf(i.url)));
    log(`JWKS at start: as1 ${kidsOf(j1!).join(',')} / as2 ${kidsOf(j2!).join(',')}`);
    expect(j1!.keys).toHaveLength(1);
    expect(j2).toStrictEqual(j1);

    // --- Clients of every kind, each through its own OAuth flow via nginx.
    const kinds: ClientKind[] = ['v2-streamable', 'v2-streamable', 'v2-stateless', 'v1-streamable', 'v1-streamable', 'v1-sse'];
    const clients = kinds.map((k, i) => new ScaleClient(`${k}-${i}`, k, endpoint));
    await Promise.all(clients.map((c) => c.connect()));
    log(`${clients.length} SDK clients authorized and connected`);

    // --- Idle clients whose session lives on mcp1 (and one on mcp2): they make no call while mcp1 is killed, so
    // their first call afterwards meets the lost session (404, TR-2) — or, for the survivor, works unchanged.
    const idle: Array<{ c: ScaleClient; before: string; on: string }> = [];
    for (const [k, on] of [['v2-streamable', 'mcp1'], ['v1-streamable', 'mcp1'], ['v1-sse', 'mcp1'], ['v2-streamable', 'mcp2']] as const) {
      const c = new ScaleClient(`idle-${k}-${on}`, k, endpoint);
      for (let i = 0; i < 12 && !c.sessionId()?.startsWith(`${on}.`); i++) await c.connect();
      expect(c.sessionId()).toMatch(new RegExp(`^${on}\\.`));
      idle.push({ c, before: c.sessionId()!, on });
    }
    const spread = clients.map((c) => c.sessionId()?.split('.')[0] ?? 'stateless');
    log(`session ids by instance prefix: ${spread.join(', ')}; idle: ${idle.map((i) => i.before.slice(0, 12)).join(', ')}`);

    // --- Sessions are spread over both instances and routed back by their prefix (else half would 404).
    const ledger = new Ledger();
    let stopping = false;
    const until = () => stopping;
    const loops = [
      ...clients.map((c) => toolLoop(ledger, c, until)),
      flowLoop(ledger, 'flow-v2', 'v2-streamable', endpoint, until),
      flowLoop(ledger, 'flow-v1', 'v1-streamable', endpoint, until),
    ];

    // --- A key rotation at the start: published by both instances within KEY_RELOAD_SECONDS, signing later.
    const oldKid = kidsOf(j1!)[0]!;
    const rotateAt = Date.now();
    const rotated = await runCli(['keys', 'rotate'], s.cliEnv);
    expect(rotated.code, rotated.output).toBe(0);
    const newKid = /new signing key (\S+);/.exec(rotated.output)?.[1];
    expect(newKid).toBeTruthy();
    const rotatedAt = Date.now();
    let publishedAfterMs = -1;
    for (const deadline = rotatedAt + (KEY_RELOAD_SECONDS + 5) * 1000; Date.now() < deadline; await sleep(100)) {
      const sets = await Promise.all(s.as.map((i) => jwksOf(i.url)));
      if (sets.every((set) => kidsOf(set).includes(newKid!))) {
        publishedAfterMs = Date.now() - rotatedAt;
        break;
      }
    }
    log(`keys rotate (${rotatedAt - rotateAt} ms for the CLI): new kid ${newKid} published by both instances ${publishedAfterMs} ms after it returned (bound: KEY_RELOAD_SECONDS=${KEY_RELOAD_SECONDS} s)`);
    expect(publishedAfterMs).toBeGreaterThanOrEqual(0);
    // The bound is KEY_RELOAD_SECONDS after the key was written (before the CLI returned), plus the reload itself
    // on a loaded 2-core machine.
    expect(publishedAfterMs).toBeLessThanOrEqual(KEY_RELOAD_SECONDS * 1000 + 2000);

    // --- The kills, mid-run.
    // A kill lasts from the signal until the process is gone (the exit event); a request overlapping that span
    // was in flight at the kill.
    const kills: Array<{ name: string; at: number; gone: number }> = [];
    const kill = async (i: Instance) => {
      const at = Date.now();
      await i.kill();
      kills.push({ name: i.name, at, gone: Date.now() });
      log(`SIGKILL ${i.name} (gone after ${Date.now() - at} ms)`);
    };
    await sleep(5000);
    await kill(s.mcp[0]!);
    await sleep(3000);
    await s.mcp[0]!.start();
    log('mcp1 restarted');

    // The idle clients now: sessions of mcp1 are gone (404, then a new session); mcp2's session is untouched.
    const idleLedger = new Ledger();
    const idleOutcomes: string[] = [];
    for (const { c, before, on } of idle) {
      const recoveriesBefore = idleLedger.sessionRecoveries;
      const listed = await callWithRecovery(idleLedger, c, 'get_data', {});
      const after = c.sessionId();
      const how = idleLedger.sessionRecoveries > recoveriesBefore ? '404 -> new session' : after === before ? 'same session' : 'new stream announced by the SDK (no 404)';
      idleOutcomes.push(`${c.label}: ${how} (${before.slice(0, 12)} -> ${after?.slice(0, 12)})`);
      expect(listed, `${c.label} recovered`).toBeTruthy();
      if (on === 'mcp2') expect(after).toBe(before);
      else expect(after).not.toBe(before);
      if (c.kind !== 'v1-sse' && on === 'mcp1') expect(how).toBe('404 -> new session');
    }
    log(`idle clients after the mcp1 kill:\n  ${idleOutcomes.join('\n  ')}`);

    await sleep(3000);
    await kill(s.as[0]!);
    await sleep(3000);
    await s.as[0]!.start();
    log('as1 restarted');

    // --- Concurrent refreshes of one token landing on different instances (directly and through nginx).
    const refresher = new TestOAuthProvider();
    expect(await auth(refresher as any, { serverUrl: endpoint })).toBe('REDIRECT');
    const iss = refresher.callback!.get('iss') ?? undefined;
    expect(await auth(refresher as any, { serverUrl: endpoint, authorizationCode: refresher.takeCode(), iss })).toBe('AUTHORIZED');
    const clientId = refresher.clientInformation().client_id as string;
    let token = refresher.tokens().refresh_token as string;
    const targets = [s.as[0]!.url, s.as[1]!.url, s.issuer, s.issuer];
    let refreshRounds = 0;
    let refreshRequests = 0;
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all(targets.map((t) => refresh(t, clientId, token)));
      refreshRequests += answers.length;
      expect(answers.map((a) => a.status), JSON.stringify(answers.map((a) => a.body))).toStrictEqual([200, 200, 200, 200]);
      const successors = new Set(answers.map((a) => a.body['refresh_token']));
      expect(successors.size).toBe(1);
      token = [...successors][0]!;
      refreshRounds++;
    }
    // The family is alive: the last successor still refreshes, and its access token works at the MCP server.
    const last = await refresh(s.issuer, clientId, token);
    expect(last.status).toBe(200);
    const apiCheck = await fetch(`${s.mcpUrl}/api/data`, { headers: { authorization: `Bearer ${last.body['access_token']}` } });
    expect(apiCheck.status).toBe(200);
    log(`concurrent refreshes: ${refreshRounds} rounds x ${targets.length} (as1, as2 directly, nginx x2) = ${refreshRequests} requests, all 200, one successor per round; family still alive`);

    // --- Keep going until the rotated key signs, so flows after that use it at both MCP instances.
    const signingFrom = rotatedAt + SIGNING_DELAY_S * 1000;
    const stopAt = Math.max(Date.now() + 3000, signingFrom + 4000);
    await sleep(stopAt - Date.now());
    stopping = true;
    await Promise.all(loops);
    log('load stopped');

    // --- Accounting.
    const failed = ledger.ops.filter((o) => !o.ok);
    const inFlight = (o: { start: number; end: number }) => kills.some((k) => o.start <= k.gone && k.at <= o.end);
    const excused = failed.filter(inFlight);
    const unexcused = failed.filter((o) => !inFlight(o));
    const okOps = ledger.ops.filter((o) => o.ok);
    const lastKill = Math.max(...kills.map((k) => k.at));
    const recoveredClients = clients.filter((c) => ledger.ops.some((o) => o.client === c.label && o.ok && o.start > lastKill));
    const flows = ledger.ops.filter((o) => o.op === 'oauth-flow');
    const newKeyFlows = ledger.flowKids.filter((f) => f.kid === newKid);

    // Every acknowledged item is still there, read back through nginx with a valid token.
    const listing = await fetch(`${s.mcpUrl}/api/data`, { headers: { authorization: `Bearer ${last.body['access_token']}` } });
    const stored = new Map(((await listing.json()) as { items: Array<{ id: number; name: string; value: number }> }).items.map((i) => [i.id, i]));
    const lost = ledger.acknowledged.filter((a) => {
      const row = stored.get(a.id);
      return !row || row.name !== a.name || row.value !== a.value;
    });

    // Both instances publish the same JWKS at the end, too.
    const [e1, e2] = await Promise.all(s.as.map((i) => jwksOf(i.url)));

    log(
      [
        'RESULTS',
        `  operations: ${ledger.ops.length} (${okOps.length} ok): tool calls ${ledger.ops.filter((o) => o.op !== 'oauth-flow').length}, full OAuth flows ${flows.length} (${flows.filter((f) => f.ok).length} ok)`,
        `  kills: ${kills.map((k) => `${k.name} at ${k.at - t0}..${k.gone - t0} ms`).join(', ')}`,
        `  failed: ${failed.length}, all in flight at a kill: ${excused.length}, otherwise: ${unexcused.length}`,
        ...failed.map((f) => `    ${inFlight(f) ? 'in-flight' : 'UNEXPECTED'} ${f.client} ${f.op} [${f.start - t0}..${f.end - t0} ms] status=${f.status ?? '-'} ${f.error}`),
        `  busy clients: sessions found gone (404) and re-initialized: ${ledger.sessionRecoveries}; reconnects after a failed call: ${clients.reduce((n, c) => n + c.reconnects, 0) - ledger.sessionRecoveries}`,
        `  idle clients: ${idleLedger.sessionRecoveries} sessions found gone (404) and re-initialized`,
        `  clients with a successful call after the last kill: ${recoveredClients.length}/${clients.length}`,
        `  items acknowledged: ${ledger.acknowledged.length}; found via /api/data: ${ledger.acknowledged.length - lost.length}; lost: ${lost.length}; read-your-write misses: ${ledger.missingAfterCreate.length}`,
        `  flows whose token was signed by the rotated key (kid ${newKid?.slice(0, 8)}…, signing from +${((signingFrom - t0) / 1000).toFixed(1)}s): ${newKeyFlows.length}`,
        `  JWKS at end identical on as1 and as2: ${JSON.stringify(e1) === JSON.stringify(e2)} (${kidsOf(e1!).length} keys)`,
      ].join('\n'),
    );

    // What nginx said of a failure outside the kills (a 502 names its cause there: refused, reset, closed early).
    if (unexcused.length > 0) log(`nginx error log:\n${s.nginx.errorLog()}`);
    expect(unexcused, 'failures outside the moments of the kills').toStrictEqual([]);
    expect(excused.length).toBeLessThanOrEqual(20);
    expect(lost).toStrictEqual([]);
    expect(ledger.missingAfterCreate).toStrictEqual([]);
    expect(ledger.acknowledged.length).toBeGreaterThan(50);
    expect(recoveredClients.map((c) => c.label)).toStrictEqual(clients.map((c) => c.label));
    // The MCP kill took sessions with it: they were found gone and replaced (TR-2: 404, then initialize).
    expect(idleLedger.sessionRecoveries).toBeGreaterThanOrEqual(2);
    expect(idleLedger.ops.filter((o) => !o.ok)).toStrictEqual([]);
    expect(flows.filter((f) => f.ok).length).toBeGreaterThan(5);
    // After the signing delay tokens carry the new kid, and both MCP instances accept them (JWKS refetch on an unknown kid).
    expect(newKeyFlows.length).toBeGreaterThan(0);
    expect(ledger.flowKids.filter((f) => f.kid === oldKid).length).toBeGreaterThan(0);
    expect(e2).toStrictEqual(e1);
    expect(kidsOf(e1!)).toStrictEqual([oldKid, newKid!].sort());

    await Promise.all([...clients, ...idle.map((i) => i.c)].map((c) => c.close()));
  }, 110_000);
});
