import type { MiddlewareHandler } from 'hono';

/**
 * Marks every response of a credential-bearing endpoint, errors included, as not cacheable (AS-9).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.1
 */
export function noStore(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.res.headers.set('Cache-Control', 'no-store');
    c.res.headers.set('Pragma', 'no-cache');
  };
}
