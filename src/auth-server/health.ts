import { Hono } from 'hono';
import type { AuthServerDeps } from './deps.js';

/** Liveness, with the database checked, as the original's /health answered for the OAuth server. */
export function healthRoute(deps: AuthServerDeps): Hono {
  const app = new Hono();
  app.get('/health', async (c) => {
    try {
      await deps.store.ping();
      return c.json({ status: 'healthy', service: 'oauth-server', database: deps.store.dialect, demo_mode: deps.config.demo.enabled });
    } catch (err) {
      deps.logger.error({ err }, 'health check: database unreachable');
      return c.json({ status: 'unhealthy', service: 'oauth-server', database: 'unreachable' }, 503);
    }
  });
  return app;
}
