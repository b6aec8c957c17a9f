import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import { createAuthServerApp } from '../auth-server/app.js';
import { seedDemo } from '../auth-server/demo.js';
import type { AuthServerDeps } from '../auth-server/deps.js';
import { memoryRateLimits } from '../http/rate-limit.js';
import { KeyRing } from '../keys/key-ring.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';

/** Builds the authorization server from configuration: keys loaded (or made), demo data seeded. */
export async function buildAuthServer(config: Config, base: { store: Store; logger: Logger; clock: Clock }) {
  const keys = await KeyRing.open({ store: base.store, secretKey: config.secretKey, clock: base.clock, accessTokenTtl: config.ttl.accessToken });
  const deps: AuthServerDeps = { config, ...base, keys, rateLimits: memoryRateLimits(config.rateLimitPerMinute) };
  if (config.demo.enabled) await seedDemo(deps);
  return { app: createAuthServerApp(deps), deps };
}
