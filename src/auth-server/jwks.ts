import { Hono } from 'hono';
import type { AuthServerDeps } from './deps.js';

/** The public signing keys, current and retired-but-unexpired (RFC 7517 §5). */
export function jwksRoute(deps: AuthServerDeps): Hono {
  const app = new Hono();
  app.get('/.well-known/jwks.json', (c) => c.json(deps.keys.jwks(), 200, { 'Cache-Control': 'public, max-age=60' }));
  return app;
}
