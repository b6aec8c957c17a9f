import { fixedClock, type Clock } from '../../src/clock.js';
import { loadConfig, type Env } from '../../src/config/config.js';
import { buildAuthServer } from '../../src/cli/compose.js';
import { silentLogger, type Logger } from '../../src/log/logger.js';
import type { AuthorizationServerInternals } from '../../src/runtime/authorization-server.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

/**
 * An authorization server in process on a fresh in-memory SQLite store with a frozen clock, built as
 * `mcp-auth-server start` builds it (cli/compose.ts, through createAuthorizationServer). `env` overrides
 * configuration as environment variables would; `opts` replaces the store, the logger or internal parts.
 */
export async function makeAuthServer(env: Env = {}, opts: AuthorizationServerInternals & { store?: Store; logger?: Logger; clock?: Clock } = {}) {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', RATE_LIMIT_PER_MINUTE: '0', ...env });
  const { store: given, logger = silentLogger(), clock: givenClock, ...internals } = opts;
  // The frozen clock tests move; a test that passes the real clock does not move it.
  const clock = (givenClock ?? fixedClock()) as ReturnType<typeof fixedClock>;
  const store = given ?? (await openStore(config.databaseUrl));
  const server = await buildAuthServer(config, { store, logger, clock }, {}, internals);
  const { deps } = server;
  // What listen() puts in front of the app in `mcp-auth-server start` (auth-server/token-direct.ts).
  const direct = server.directRoutes;
  return { app: server.app, direct, deps, config, clock, store, keys: deps.keys, server, close: async () => (await server.close(), await store.close()) };
}
