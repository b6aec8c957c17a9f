import { MemoryReplayCache } from '../../src/oauth/replay-cache.js';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { chromium, type BrowserContext } from 'playwright-core';
import { systemClock } from '../../src/clock.js';
import { loadConfig, type Env } from '../../src/config/config.js';
import { buildAuthServer, buildMcpServer } from '../../src/cli/compose.js';
import { silentLogger } from '../../src/log/logger.js';
import { listen, type Listening } from '../../src/runtime/listen.js';
import { openStore } from '../../src/store/open-store.js';
import { createUsersService } from '../../src/users/users-service.js';
import type { AuthorizationServerInternals } from '../../src/runtime/authorization-server.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Browser tests run under CI=true always (a missing Chromium fails them); elsewhere only when Chromium is installed. */
export const BROWSER_SKIP_REASON =
  process.env.CI === 'true' || existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is absent (apt-get install chromium)`;

/**
 * Listens on a free port first and serves `app()` once it exists: the configuration needs the port (issuer,
 * MCP URL) before the apps can be built, and listening first leaves no window for another process to take it.
 */
async function listenFirst(): Promise<{ listening: Listening; port: number; serve: (app: Hono) => void }> {
  let inner: Hono | undefined;
  const front = new Hono();
  // c.env carries the node socket, so the inner app still sees the client address.
  front.all('*', (c) => (inner ? inner.fetch(c.req.raw, c.env) : c.text('starting', 503)));
  const listening = await listen(front, '127.0.0.1', 0);
  return { listening, port: listening.port, serve: (app) => void (inner = app) };
}

/** A loopback HTTP server standing in for a native client's redirect URI; it records each query it receives. */
export async function callbackServer() {
  const hits: URLSearchParams[] = [];
  const server: Server = createServer((req, res) => {
    hits.push(new URL(req.url ?? '/', 'http://127.0.0.1').searchParams);
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><title>Callback</title><p>You can close this window.</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/**
 * Both servers on real loopback ports, DEMO_MODE=false, the pages mounted and used as the interaction, as
 * `oauth-mcp start` wires them; one in-memory SQLite store shared by both (one process).
 */
export async function startStack(opts: { env?: Env; web?: AuthorizationServerInternals } = {}) {
  const [authFront, mcpFront] = [await listenFirst(), await listenFirst()];
  const [authPort, mcpPort] = [authFront.port, mcpFront.port];
  const config = loadConfig({
    DEMO_MODE: 'false',
    SECRET_KEY: 'browser-test-secret-key-'.padEnd(48, 'x'),
    DATABASE_URL: 'sqlite::memory:',
    OAUTH_ISSUER: `http://127.0.0.1:${authPort}`,
    OAUTH_SERVER_PORT: String(authPort),
    MCP_SERVER_URL: `http://127.0.0.1:${mcpPort}`,
    MCP_SERVER_PORT: String(mcpPort),
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'silent',
    ...opts.env,
  });
  const store = await openStore(config.databaseUrl);
  const clock = systemClock;
  const logger = silentLogger();
  const auth = await buildAuthServer(config, { store, logger, clock }, {}, opts.web);
  const mcp = await buildMcpServer(config, { store, logger, clock });
  authFront.serve(auth.app);
  mcpFront.serve(mcp.app);
  const listening: Listening[] = [authFront.listening, mcpFront.listening];
  return {
    config,
    store,
    users: createUsersService({ store, clock }),
    issuer: config.authServer.issuer,
    mcpEndpoint: `${config.mcpServer.url}/mcp/v1`,
    async close() {
      for (const l of listening) await l.close(100);
      await mcp.close();
      await auth.close();
      await store.close();
    },
  };
}

/** Debian's Chromium, headless, with a fresh profile and nothing that phones home. */
export async function launchBrowser(): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'oauth-mcp-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 900, height: 860 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
