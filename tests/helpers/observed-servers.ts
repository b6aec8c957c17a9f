import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fixedClock, type Clock } from '../../src/clock.js';
import { requestListener } from '../../src/http/direct-route.js';
import { loadConfig, type Env } from '../../src/config/config.js';
import { createLogger, silentLogger } from '../../src/log/logger.js';
import { s256Challenge } from '../../src/oauth/pkce.js';
import { buildAuthServer, buildMcpServer } from '../../src/cli/compose.js';
import { openStore } from '../../src/store/open-store.js';
import { auditShared } from '../../src/observability/audit.js';

async function listenOnLoopback(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/**
 * Both servers as `oauth-mcp start` builds them (cli/compose.ts: request context, /metrics, /ready, audit), on
 * loopback ports so the MCP side fetches the issuer's JWKS over HTTP. Every log line of both is kept in `lines`.
 */
export async function startObservedServers(env: Env = {}, opts: { clock?: Clock } = {}) {
  const as = await listenOnLoopback();
  const mcp = await listenOnLoopback();
  const issuer = `http://127.0.0.1:${as.port}`;
  const mcpUrl = `http://127.0.0.1:${mcp.port}`;
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', RATE_LIMIT_PER_MINUTE: '0', OAUTH_ISSUER: issuer, MCP_SERVER_URL: mcpUrl, ...env });
  const clock = opts.clock ?? fixedClock();
  const store = await openStore(config.databaseUrl);
  const lines: string[] = [];
  const logger = env.LOG_LEVEL === 'silent' ? silentLogger() : createLogger('trace', { write: (line: string) => void lines.push(line) });
  // As `start` does: one audit queue and flow cache for both servers of the process.
  const base = { store, logger, clock, auditShared: auditShared({ store, logger }) };
  const auth = await buildAuthServer(config, base);
  const mcpServer = await buildMcpServer(config, base);
  // As listen() serves them: POST /oauth/token and GET /api/data, /api/user/profile answered by node:http
  // directly (auth-server/token-direct.ts, mcp/direct-reads.ts).
  as.server.on('request', requestListener(auth.app, auth.directRoutes));
  mcp.server.on('request', requestListener(mcpServer.app, mcpServer.directRoutes));
  const close = async () => {
    await mcpServer.close();
    await auth.close();
    for (const s of [as.server, mcp.server]) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
    await store.close();
  };
  return { issuer, mcpUrl, config, clock, store, lines, auth, mcp: mcpServer, authHttp: as.server, close };
}

export type ObservedServers = Awaited<ReturnType<typeof startObservedServers>>;

export const VERIFIER = 'observability-test-verifier-'.padEnd(64, 'v');
export const REDIRECT = 'http://127.0.0.1:7777/callback';

export const form = (body: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(body).toString(),
});

/** Registers a public client by DCR and returns its id. */
export async function registerClient(s: ObservedServers, name = 'Observed Client'): Promise<string> {
  const res = await fetch(`${s.issuer}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ client_name: name, redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] }),
  });
  if (res.status !== 201) throw new Error(`registration answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { client_id: string }).client_id;
}

export function authorizeUrl(s: ObservedServers, clientId: string, over: Record<string, string> = {}): string {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    code_challenge: s256Challenge(VERIFIER),
    code_challenge_method: 'S256',
    scope: 'read write',
    state: 'st',
    ...over,
  });
  return `${s.issuer}/oauth/authorize?${q}`;
}

/** Demo mode approves at once: the code from the redirect. */
export async function authorizeForCode(s: ObservedServers, clientId: string): Promise<string> {
  const res = await fetch(authorizeUrl(s, clientId), { redirect: 'manual' });
  const location = res.headers.get('location');
  const code = location && new URL(location).searchParams.get('code');
  if (!code) throw new Error(`no code: ${res.status} ${location}`);
  return code;
}
