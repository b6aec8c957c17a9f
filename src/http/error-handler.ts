import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { OAuthError } from '../oauth/errors.js';
import type { Logger } from '../log/logger.js';

/**
 * Turns any thrown error into a response: an OAuthError into its RFC 6749 §5.2 JSON body and status, an
 * HTTPException (e.g. hono's body limit) into an invalid_request, anything else into a bare server_error
 * whose detail goes to the log only (docs/security.md).
 */
export function errorHandler(logger: Logger) {
  return (err: Error, c: Context): Response => {
    if (err instanceof OAuthError) {
      if (err.status >= 500) logger.error({ err: err.cause ?? err, path: c.req.path }, err.description);
      else logger.debug({ code: err.code, path: c.req.path, cause: (err.cause as Error | undefined)?.message }, err.description);
      return c.json(err.toJSON(), err.status as 400, { 'Cache-Control': 'no-store', ...err.headers });
    }
    if (err instanceof HTTPException) {
      const body = { error: 'invalid_request', error_description: err.message || 'bad request' };
      return c.json(body, err.status, { 'Cache-Control': 'no-store' });
    }
    logger.error({ err, path: c.req.path }, 'unhandled error');
    return c.json({ error: 'server_error', error_description: 'internal server error' }, 500, { 'Cache-Control': 'no-store' });
  };
}
