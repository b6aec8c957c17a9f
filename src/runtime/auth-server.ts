import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import { createAuthServerApp } from '../auth-server/app.js';
import { seedDemo } from '../auth-server/demo.js';
import { retireDemo } from '../auth-server/demo-retirement.js';
import { provisionServerManagedClient } from '../auth-server/server-managed-client.js';
import { tokenDirectRoute } from '../auth-server/token-direct.js';
import { AUTH_SERVER_SECURE_HEADERS, secureHeaderValues } from '../http/security-headers.js';
import { openRateLimits } from '../http/shared-rate-limits.js';
import { KeyRing } from '../keys/key-ring.js';
import type { Logger } from '../log/logger.js';
import { auditEventSink } from '../observability/audit-events.js';
import { authServerObservability, observeAuthServer } from '../observability/wire.js';
import { DEFAULT_JWKS_COOLDOWN_SECONDS } from '../resource-server/jwks-source.js';
import type { Store } from '../store/store.js';
import { createLoginThrottle } from '../web/login-throttle.js';
import { pagesInteraction, webRoutes, type WebDeps } from '../web/routes.js';

/**
 * A rotated key signs only once every instance has re-read the keys (KEY_RELOAD_SECONDS) and every resource
 * server may refetch its JWKS (its unknown-kid cooldown), plus a margin: so no token ever names a kid that a
 * JWKS answer does not yet hold.
 */
export const signingDelaySeconds = (config: Config) => config.keyReloadSeconds + DEFAULT_JWKS_COOLDOWN_SECONDS + 5;

/** Builds the authorization server from configuration: keys loaded (or made), demo data seeded, pages mounted. */
export async function buildAuthServer(config: Config, base: { store: Store; logger: Logger; clock: Clock }) {
  const keys = await KeyRing.open({
    store: base.store,
    secretKey: config.secretKey,
    clock: base.clock,
    accessTokenTtl: config.ttl.accessToken,
    signingDelaySeconds: signingDelaySeconds(config),
  });
  const rateLimits = await openRateLimits(config, { keyPrefix: 'oauth-mcp' });
  const observability = authServerObservability(base);
  const deps: WebDeps & ReturnType<typeof authServerObservability> = {
    config,
    ...base,
    keys,
    rateLimits: rateLimits.limits,
    // Failed sign-ins are counted where the rate limits are (RATE_LIMIT_STORE): shared between instances.
    loginThrottle: createLoginThrottle({}, rateLimits.limiter),
    ...observability,
    // The handlers' events become audit rows, flow steps and metrics (observability/audit-events.ts).
    events: auditEventSink(observability.audit, base.store),
  };
  if (config.demo.enabled) await seedDemo(deps);
  // Demo mode approves as the demo user (the original's behaviour); otherwise a person signs in and consents.
  else deps.interaction = pagesInteraction(deps);
  // Outside demo mode the demo client and user of an earlier demo run stop working (docs/security.md).
  const demoRetirement = await retireDemo(deps);
  await provisionServerManagedClient(deps);
  const app = createAuthServerApp(deps);
  // POST /oauth/token is also answered by node:http directly, with the app's security headers (token-direct.ts).
  const direct = [tokenDirectRoute(deps, await secureHeaderValues(AUTH_SERVER_SECURE_HEADERS))];
  app.route('/', webRoutes(deps)); // /login, /consent, /account, /logout, /admin/flows, /static/web.css
  // Request ids, logs, /metrics and /ready (docs/observability.md).
  // Closing writes the audit events still queued (observability/audit-queue.ts).
  return { app: observeAuthServer(app, { ...deps, metricsToken: config.metricsToken }), direct, deps, demoRetirement, close: async () => void (await Promise.all([rateLimits.close(), deps.audit.flush()])) };
}
