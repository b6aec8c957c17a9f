import { fixedClock } from '../../src/clock.js';
import { loadConfig, type Env } from '../../src/config/config.js';
import { createAuthServerApp } from '../../src/auth-server/app.js';
import type { AuthServerDeps } from '../../src/auth-server/deps.js';
import { seedDemo } from '../../src/auth-server/demo.js';
import { retireDemo } from '../../src/auth-server/demo-retirement.js';
import { provisionServerManagedClient } from '../../src/auth-server/server-managed-client.js';
import { memoryRateLimits } from '../../src/http/rate-limit.js';
import { KeyRing } from '../../src/keys/key-ring.js';
import { silentLogger } from '../../src/log/logger.js';
import { openStore } from '../../src/store/open-store.js';
import { auditEventSink } from '../../src/observability/audit-events.js';
import { auditOf } from '../../src/observability/audit-of.js';
import { tokenDirectRoute } from '../../src/auth-server/token-direct.js';
import { AUTH_SERVER_SECURE_HEADERS, secureHeaderValues } from '../../src/http/security-headers.js';

/**
 * An authorization server in process on a fresh in-memory SQLite store with a frozen clock.
 * `env` overrides configuration as environment variables would.
 */
export async function makeAuthServer(env: Env = {}, opts: Partial<AuthServerDeps> = {}) {
  const config = loadConfig({ DATABASE_URL: 'sqlite::memory:', RATE_LIMIT_PER_MINUTE: '0', ...env });
  const clock = fixedClock();
  const store = opts.store ?? (await openStore(config.databaseUrl));
  const keys = await KeyRing.open({ store, secretKey: config.secretKey, clock, accessTokenTtl: config.ttl.accessToken });
  const deps: AuthServerDeps = {
    config,
    store,
    keys,
    clock,
    logger: silentLogger(),
    rateLimits: memoryRateLimits(config.rateLimitPerMinute),
    ...opts,
  };
  // As the runtime does: the audit trail subscribes to the handlers' events, unless a test passes its own (or none).
  deps.events = 'events' in opts ? opts.events : auditEventSink(auditOf(deps), store);
  if (config.demo.enabled) await seedDemo(deps);
  await retireDemo(deps);
  await provisionServerManagedClient(deps);
  const app = createAuthServerApp(deps);
  // What listen() puts in front of the app in `oauth-mcp start` (runtime/auth-server.ts).
  const direct = [tokenDirectRoute(deps, await secureHeaderValues(AUTH_SERVER_SECURE_HEADERS))];
  return { app, direct, deps, config, clock, store, keys, close: () => store.close() };
}
