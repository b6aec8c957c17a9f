import { Hono, type MiddlewareHandler } from 'hono';
import type { AuthEnv } from './auth-env.js';
import { profileAnswer } from './reads.js';

/** GET /api/user/profile (read) on Hono; the answer is reads.ts's, which a running server also sends directly. */
export function profileRoute(read: MiddlewareHandler<AuthEnv>): Hono<AuthEnv> {
  const app = new Hono<AuthEnv>();
  app.get('/api/user/profile', read, (c) => {
    const a = profileAnswer(c.get('auth'));
    return c.json(a.body, a.status, a.headers);
  });
  return app;
}
