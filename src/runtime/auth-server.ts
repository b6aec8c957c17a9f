import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import { createAuthServerApp } from '../auth-server/app.js';
import { seedDemo } from '../auth-server/demo.js';
import type { AuthServerDeps } from '../auth-server/deps.js';
import { memoryRateLimits } from '../http/rate-limit.js';
import { KeyRing } from '../keys/key-ring.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import { pagesInteraction, webRoutes } from '../web/routes.js';

/** Builds the authorization server from configuration: keys loaded (or made), demo data seeded, pages mounted. */
export async function buildAuthServer(config: Config, base: { store: Store; logger: Logger; clock: Clock }) {
  const keys = await KeyRing.open({ store: base.store, secretKey: config.secretKey, clock: base.clock, accessTokenTtl: config.ttl.accessToken });
  const deps: AuthServerDeps = { config, ...base, keys, rateLimits: memoryRateLimits(config.rateLimitPerMinute) };
  if (config.demo.enabled) await seedDemo(deps);
  // Demo mode approves as the demo user (the original's behaviour); otherwise a person signs in and consents.
  else deps.interaction = pagesInteraction(deps);
  const app = createAuthServerApp(deps);
  app.route('/', webRoutes(deps)); // /login, /consent, /account, /logout, /static/web.css
  return { app, deps };
}
