import { Hono, type MiddlewareHandler } from 'hono';
import type { AuthEnv } from './auth-env.js';

/**
 * GET /api/user/profile (read): who the token says the caller is. The MCP side holds no user table (it trusts
 * only the token), so this is the token's own account of the subject, the client, the scopes and the expiry.
 */
export function profileRoute(read: MiddlewareHandler<AuthEnv>): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.get('/api/user/profile', read, (c) => {
    const t = c.get('auth');
    return c.json(
      {
        sub: t.subject,
        client_id: t.clientId,
        scope: t.scopes.join(' '),
        scopes: t.scopes,
        audience: t.audience,
        // Unix seconds, as in the token.
        issued_at: t.issuedAt,
        expires_at: t.expiresAt,
      },
      200,
      { 'Cache-Control': 'no-store' },
    );
  });
  return app;
}
