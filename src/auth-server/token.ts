import { Hono } from 'hono';
import { rateLimit } from '../http/rate-limit.js';
import type { AuthServerDeps } from './deps.js';
import type { TokenExchange } from './token-request.js';

/**
 * POST /oauth/token (AS-9 to AS-12) on Hono: the route `app.request()` and every non-node host see. A server
 * started by the runtime answers POST /oauth/token from node:http directly (token-direct.ts), with the same
 * logic (token-request.ts) and the same headers.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-3.2
 */
export function tokenRoute(deps: AuthServerDeps, exchange: TokenExchange): Hono {
  const app = new Hono();
  app.post('/oauth/token', rateLimit(deps.rateLimits.token, deps.config.trustedProxies), async (c) => {
    const answer = await exchange({ contentType: c.req.header('content-type'), authorization: c.req.header('authorization'), dpop: c.req.header('dpop'), body: await c.req.text() });
    return c.json(answer.body, answer.status as 200, answer.headers);
  });
  return app;
}
